using System.Buffers;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Serialization;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.Configuration;
using Orleans.Serialization.Serializers;
using Orleans.Serialization.WireProtocol;
using RiskMonitor.Contracts;

namespace RiskMonitor.Grains.Serialization;

/// <summary>
/// Sends the exceptions Orleans has no codec for between silos (docs/decisions/0052). Orleans serialises exceptions of
/// the <c>System</c>, <c>Microsoft</c> and <c>Azure</c> namespaces and those with a generated serializer; anything else a
/// grain throws, or carries as an inner exception (an <c>OrleansException</c> from grain storage wraps the
/// <see cref="PostgresException"/> it got), fails to serialise, and the caller on another silo gets a codec error
/// instead of the failure: a store outage looked like a bug (500 instead of 503, dead-lettered instead of retried).
/// <list type="bullet">
/// <item><see cref="PostgresException"/> and <see cref="NpgsqlException"/> arrive as themselves, rebuilt through
/// their public constructors with the SQL state, the server's message, detail, hint and the names of the schema,
/// table, column, data type and constraint, so code that tells an outage from a bug by SQL state
/// (<c>StoreFailures</c>) or catches a unique violation works the same whichever silo the grain was on. Other Npgsql
/// types arrive as an <see cref="NpgsqlException"/> whose message names them.</item>
/// <item>Any other exception arrives as a <see cref="ForeignException"/> with the original type's name.</item>
/// </list>
/// In every case the message, the stack trace (as the remote stack trace) and the inner exceptions are kept.
/// </summary>
public sealed class ForeignExceptionCodec(IOptions<ExceptionSerializationOptions> exceptionOptions) : IGeneralizedCodec
{
    /// <summary>The name this codec has on the wire (a well-known alias: short, and allowed by the type filter).</summary>
    public const string WireAlias = "rm-foreign-exception";

    private const uint TypeName = 0, Message = 1, StackTrace = 2, Inner = 3, SqlState = 4, Severity = 5, InvariantSeverity = 6,
        MessageText = 7, Detail = 8, Hint = 9, SchemaName = 10, TableName = 11, ColumnName = 12, DataTypeName = 13, ConstraintName = 14,
        Where = 15, Routine = 16;

    private readonly ExceptionSerializationOptions _orleans = exceptionOptions.Value;

    public bool IsSupportedType(Type type) =>
        type == typeof(ForeignExceptionCodec) || typeof(Exception).IsAssignableFrom(type) && !OrleansSerialises(type);

    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, object? value)
        where TBufferWriter : IBufferWriter<byte>
    {
        if (value is null)
        {
            ReferenceCodec.WriteNullReference(ref writer, fieldIdDelta);
            return;
        }

        // Like Orleans' own exception codec: an exception is always written whole, never as a reference.
        var exception = (Exception)value;
        ReferenceCodec.MarkValueField(writer.Session);
        writer.WriteStartObject(fieldIdDelta, expectedType, typeof(ForeignExceptionCodec));
        uint last = 0;
        WriteString(ref writer, ref last, TypeName, exception is ForeignException foreign ? foreign.ExceptionType : exception.GetType().FullName);
        WriteString(ref writer, ref last, Message, exception.Message);
        WriteString(ref writer, ref last, StackTrace, exception.StackTrace);
        if (exception.InnerException is { } inner)
        {
            writer.Session.CodecProvider.GetCodec<Exception>().WriteField(ref writer, Inner - last, typeof(Exception), inner);
            last = Inner;
        }

        if (exception is PostgresException pg)
        {
            WriteString(ref writer, ref last, SqlState, pg.SqlState);
            WriteString(ref writer, ref last, Severity, pg.Severity);
            WriteString(ref writer, ref last, InvariantSeverity, pg.InvariantSeverity);
            WriteString(ref writer, ref last, MessageText, pg.MessageText);
            WriteString(ref writer, ref last, Detail, pg.Detail);
            WriteString(ref writer, ref last, Hint, pg.Hint);
            WriteString(ref writer, ref last, SchemaName, pg.SchemaName);
            WriteString(ref writer, ref last, TableName, pg.TableName);
            WriteString(ref writer, ref last, ColumnName, pg.ColumnName);
            WriteString(ref writer, ref last, DataTypeName, pg.DataTypeName);
            WriteString(ref writer, ref last, ConstraintName, pg.ConstraintName);
            WriteString(ref writer, ref last, Where, pg.Where);
            WriteString(ref writer, ref last, Routine, pg.Routine);
        }

        writer.WriteEndObject();
    }

    public object? ReadValue<TInput>(ref Reader<TInput> reader, Field field)
    {
        if (field.WireType == WireType.Reference)
        {
            return ReferenceCodec.ReadReference<Exception, TInput>(ref reader, field);
        }

        field.EnsureWireTypeTagDelimited();
        ReferenceCodec.MarkValueField(reader.Session);
        var strings = new Dictionary<uint, string>();
        Exception? inner = null;
        uint id = 0;
        while (true)
        {
            var header = reader.ReadFieldHeader();
            if (header.IsEndBaseOrEndObject)
            {
                break;
            }

            id += header.FieldIdDelta;
            switch (id)
            {
                case Inner:
                    inner = reader.Session.CodecProvider.GetCodec<Exception>().ReadValue(ref reader, header);
                    break;
                case <= Routine:
                    if (StringCodec.ReadValue(ref reader, header) is { } text)
                    {
                        strings[id] = text;
                    }

                    break;
                default:
                    reader.ConsumeUnknownField(header); // written by a newer version
                    break;
            }
        }

        var exception = Rebuild(strings, inner);
        if (strings.GetValueOrDefault(StackTrace) is { } stackTrace)
        {
            ExceptionDispatchInfo.SetRemoteStackTrace(exception, stackTrace);
        }

        return exception;
    }

    private static Exception Rebuild(Dictionary<uint, string> s, Exception? inner)
    {
        var typeName = s.GetValueOrDefault(TypeName) ?? "(unknown)";
        var message = s.GetValueOrDefault(Message) ?? "";
        if (typeName == typeof(PostgresException).FullName)
        {
            return new PostgresException(
                s.GetValueOrDefault(MessageText) ?? message, s.GetValueOrDefault(Severity) ?? "ERROR", s.GetValueOrDefault(InvariantSeverity) ?? "ERROR",
                s.GetValueOrDefault(SqlState) ?? "XX000", s.GetValueOrDefault(Detail), s.GetValueOrDefault(Hint), 0, 0, null,
                s.GetValueOrDefault(Where), s.GetValueOrDefault(SchemaName), s.GetValueOrDefault(TableName), s.GetValueOrDefault(ColumnName),
                s.GetValueOrDefault(DataTypeName), s.GetValueOrDefault(ConstraintName), null, null, s.GetValueOrDefault(Routine));
        }

        if (typeName == typeof(NpgsqlException).FullName)
        {
            return new NpgsqlException(message, inner);
        }

        return typeName.StartsWith("Npgsql.", StringComparison.Ordinal)
            ? new NpgsqlException($"{typeName}: {message}", inner)
            : new ForeignException(typeName, message, inner);
    }

    private static void WriteString<TBufferWriter>(ref Writer<TBufferWriter> writer, ref uint last, uint id, string? value)
        where TBufferWriter : IBufferWriter<byte>
    {
        if (value is null)
        {
            return;
        }

        StringCodec.WriteField(ref writer, id - last, value);
        last = id;
    }

    // The same test as Orleans' ExceptionCodec, so the two never both claim a type.
    private bool OrleansSerialises(Type type) =>
        type.Namespace is { } ns && (_orleans.SupportedExceptionTypeFilter?.Invoke(type) == true ||
            _orleans.SupportedNamespacePrefixes.Any(prefix => ns.StartsWith(prefix, StringComparison.Ordinal)));
}

public static class ForeignExceptionCodecExtensions
{
    /// <summary>Registers <see cref="ForeignExceptionCodec"/> with the serializer of a silo (or of a cluster client).</summary>
    public static IServiceCollection AddForeignExceptionCodec(this IServiceCollection services)
    {
        services.AddSingleton<ForeignExceptionCodec>();
        services.AddSingleton<IGeneralizedCodec>(sp => sp.GetRequiredService<ForeignExceptionCodec>());
        services.Configure<TypeManifestOptions>(o => o.WellKnownTypeAliases[ForeignExceptionCodec.WireAlias] = typeof(ForeignExceptionCodec));
        return services;
    }
}
