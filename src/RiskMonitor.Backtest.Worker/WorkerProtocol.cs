using System.Text.Json;
using System.Text.Json.Serialization;
using RiskMonitor.Domain.Rules.Backtest;
using RiskMonitor.Storage.Influx;

namespace RiskMonitor.Backtest.Worker;

/// <summary>
/// What the server hands its backtest worker on standard input, as one JSON line (docs/decisions/0066): the two rule
/// documents (the candidate and the live rules as they were when the job started), the assets, the range, where
/// InfluxDB is and how hard to read it. Credentials travel here, never on the command line, where <c>ps</c> shows them.
/// </summary>
public sealed record WorkerJob(
    string JobId, string CandidateDocument, string LiveDocument, IReadOnlyList<WorkerAsset> Assets, DateTimeOffset From, DateTimeOffset To,
    InfluxOptions Influx, int ChunkSamples, TimeSpan PauseBetweenQueries, int ReplayWorkers, WorkerPriority Priority, int QueriesInFlight = 1);

/// <summary>What a replay needs of an asset: the rule catalog picks its rules by id, kind and reporting interval.</summary>
public sealed record WorkerAsset(string Id, string Kind, TimeSpan? ReportingInterval);

/// <summary>Where the worker puts itself in the OS scheduler before it reads anything (Linux; elsewhere it stays as started).</summary>
public enum WorkerPriority
{
    /// <summary><c>SCHED_IDLE</c>: a core only when no live thread wants it. The default.</summary>
    Idle,

    /// <summary>Nice 19: the lowest normal priority, for a kernel or container that refuses <c>SCHED_IDLE</c>.</summary>
    Lowest,

    /// <summary>As the server: for comparing, never for a node that also takes live traffic.</summary>
    Normal,
}

/// <summary>One line the worker writes on standard output; the server reads them in order.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(WorkerStarted), "started")]
[JsonDerivedType(typeof(QueryDone), "query")]
[JsonDerivedType(typeof(BlockReplayed), "block")]
[JsonDerivedType(typeof(AssetReplayed), "asset")]
[JsonDerivedType(typeof(WorkerFinished), "done")]
[JsonDerivedType(typeof(WorkerFailed), "failed")]
public abstract record WorkerMessage;

/// <summary>The job parsed and the worker placed in the scheduler; <paramref name="Scheduling"/> says where it got (e.g. <c>SCHED_IDLE</c>).</summary>
public sealed record WorkerStarted(string Scheduling) : WorkerMessage;

/// <summary>One InfluxDB query answered: time waiting on InfluxDB, and time parsing its answer.</summary>
public sealed record QueryDone(double QuerySeconds, double ParseSeconds) : WorkerMessage;

/// <summary>Readings replayed (through both rule sets): the job's progress.</summary>
public sealed record BlockReplayed(int Samples) : WorkerMessage;

/// <summary>One asset done: the job's <paramref name="Index"/>-th, with both rule sets' alarms (not yet marked flapping).</summary>
public sealed record AssetReplayed(int Index, IReadOnlyList<BacktestEpisode> Candidate, IReadOnlyList<BacktestEpisode> Live, double ReplaySeconds) : WorkerMessage;

/// <summary>Every asset replayed; the worker exits after this line.</summary>
public sealed record WorkerFinished : WorkerMessage;

/// <summary>The job cannot go on (InfluxDB refused, a rule document did not parse); the worker exits after this line.</summary>
public sealed record WorkerFailed(string Error) : WorkerMessage;

/// <summary>The one set of JSON settings both ends use.</summary>
public static class WorkerProtocol
{
    public const string FileName = "RiskMonitor.Backtest.Worker.dll";

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
