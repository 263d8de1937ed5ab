using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RiskMonitor.Domain.Evidence;
using RiskMonitor.Server.Hazards;
using RiskMonitor.Storage.Evidence;

namespace RiskMonitor.Server.Tests.Hazards;

/// <summary>
/// An evidence upload's checks and its stored file, in process on the in-memory store: what is refused leaves no file
/// and no ledger line; what is taken is stored with its proven type, hash and a clean name, and its line is written once.
/// </summary>
public sealed class EvidenceCommandsTests
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryEvidenceStore _store = new();
    private readonly List<(string RecordId, EvidenceFile File)> _attached = [];
    private readonly EvidenceEndpoints.RecordHooks _hooks;
    private readonly EvidenceCommands _commands;

    public EvidenceCommandsTests()
    {
        _hooks = new EvidenceEndpoints.RecordHooks("hazard", "hazardId", (id, _) => Task.FromResult(id == "HZ-1"), (id, file, _) =>
        {
            _attached.Add((id, file));
            return Task.CompletedTask;
        });
        _commands = new EvidenceCommands(_store, Options.Create(new HazardSupervisionOptions { EvidenceMaxBytes = 1024 }), _time, NullLoggerFactory.Instance);
    }

    [Fact]
    public async Task An_unknown_record_is_a_404_before_the_body_is_read_and_for_its_list()
    {
        var ct = TestContext.Current.CancellationToken;

        var early = await _commands.RefuseBeforeReadingAsync(_hooks, "HZ-404", 10, ct);
        var list = await _commands.ListAsync(_hooks, "HZ-404", ct);

        Assert.Equal(StatusCodes.Status404NotFound, early?.StatusCode);
        Assert.Equal("No hazard 'HZ-404'.", early?.ProblemDetails.Detail);
        Assert.Equal(StatusCodes.Status404NotFound, Assert.IsType<ProblemHttpResult>(list.Result).StatusCode);
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_is_a_413_before_reading_and_one_within_it_reads()
    {
        var ct = TestContext.Current.CancellationToken;

        var over = await _commands.RefuseBeforeReadingAsync(_hooks, "HZ-1", 1025, ct);
        var within = await _commands.RefuseBeforeReadingAsync(_hooks, "HZ-1", 1024, ct);
        var unknownLength = await _commands.RefuseBeforeReadingAsync(_hooks, "HZ-1", null, ct);

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, over?.StatusCode);
        Assert.Equal("An evidence file is at most 1024 bytes; this one is 1025.", over?.ProblemDetails.Detail);
        Assert.Null(within);
        Assert.Null(unknownLength);
    }

    [Fact]
    public async Task A_file_too_large_empty_or_not_a_photo_or_pdf_is_refused_and_leaves_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        byte[] tooLarge = [.. Png, .. new byte[1024]];
        var script = "#!/bin/sh\nrm -rf /\n"u8.ToArray();

        var large = await _commands.AttachAsync(_hooks, "HZ-1", "big.png", tooLarge, "li.wei", "/api/hazards/HZ-1/evidence", ct);
        var empty = await _commands.AttachAsync(_hooks, "HZ-1", "none.png", [], "li.wei", "/api/hazards/HZ-1/evidence", ct);
        var notAPhoto = await _commands.AttachAsync(_hooks, "HZ-1", "photo.jpg", script, "li.wei", "/api/hazards/HZ-1/evidence", ct);

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, Assert.IsType<ProblemHttpResult>(large.Result).StatusCode);
        Assert.Equal(["body"], Assert.IsType<ValidationProblem>(empty.Result).ProblemDetails.Errors.Keys);
        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, Assert.IsType<ProblemHttpResult>(notAPhoto.Result).StatusCode);
        Assert.Empty(await _store.ListAsync("hazard", "HZ-1", ct));
        Assert.Empty(_attached);
    }

    [Fact]
    public async Task A_png_is_stored_with_its_proven_type_hash_and_clean_name_its_line_written_once_and_read_back()
    {
        var ct = TestContext.Current.CancellationToken;

        var result = await _commands.AttachAsync(_hooks, "HZ-1", "C:\\photos\\riser\u0007.png", Png, "li.wei", "/api/hazards/HZ-1/evidence/", ct);

        var created = Assert.IsType<Created<EvidenceFile>>(result.Result);
        var file = created.Value!;
        Assert.Equal($"/api/hazards/HZ-1/evidence/{file.EvidenceId}", created.Location);
        Assert.StartsWith("EV-20261207-", file.EvidenceId, StringComparison.Ordinal);
        Assert.Equal(
            ("hazard", "HZ-1", "riser.png", EvidenceKind.Png, Png.Length, Convert.ToHexStringLower(SHA256.HashData(Png)), "li.wei", _time.GetUtcNow()),
            (file.RecordKind, file.RecordId, file.FileName, file.Kind, file.SizeBytes, file.Sha256, file.UploadedBy, file.UploadedAt));
        Assert.Equal([("HZ-1", file)], _attached);
        Assert.Equal([file], await _commands.ListAsync(_hooks, "HZ-1", ct) is { Result: Ok<IReadOnlyList<EvidenceFile>> ok } ? ok.Value! : []);
        var download = Assert.IsType<FileContentHttpResult>((await _commands.DownloadAsync(_hooks, "HZ-1", file.EvidenceId, ct)).Result);
        Assert.Equal(("image/png", file.EvidenceId + ".png"), (download.ContentType, download.FileDownloadName));
        Assert.Equal(Png, download.FileContents.ToArray());
    }

    [Fact]
    public async Task A_file_without_a_usable_name_or_uploader_gets_a_name_from_its_type_and_an_unknown_uploader()
    {
        var ct = TestContext.Current.CancellationToken;
        byte[] pdf = [.. "%PDF-1.7\n"u8];

        var result = await _commands.AttachAsync(_hooks, "HZ-1", " /\u0001 ", pdf, null, "/api/hazards/HZ-1/evidence", ct);

        var file = Assert.IsType<Created<EvidenceFile>>(result.Result).Value!;
        Assert.Equal(("evidence.pdf", EvidenceKind.Pdf, "unknown"), (file.FileName, file.Kind, file.UploadedBy));
    }

    [Fact]
    public async Task Evidence_of_another_record_or_an_unknown_id_is_a_404()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Assert.IsType<Created<EvidenceFile>>((await _commands.AttachAsync(_hooks, "HZ-1", "a.png", Png, "li.wei", "/x", ct)).Result).Value!;

        var otherRecord = await _commands.DownloadAsync(_hooks, "HZ-2", file.EvidenceId, ct);
        var unknownId = await _commands.DownloadAsync(_hooks, "HZ-1", "EV-NONE", ct);

        Assert.Equal(StatusCodes.Status404NotFound, Assert.IsType<ProblemHttpResult>(otherRecord.Result).StatusCode);
        Assert.Equal("No evidence 'EV-NONE' on hazard 'HZ-1'.", Assert.IsType<ProblemHttpResult>(unknownId.Result).ProblemDetails.Detail);
    }
}
