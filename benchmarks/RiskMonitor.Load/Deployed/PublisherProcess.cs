using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace RiskMonitor.Load.Deployed;

/// <summary>The harness re-invoked as <c>--role publisher</c>: stdout carries "ready" then the summary; stderr goes to a log file.</summary>
internal sealed class PublisherProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private PublisherProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public int? Pid => _process.HasExited ? null : _process.Id;

    public static PublisherProcess Start(LoadOptions o, int port, string? credentials, string changesFile, string logPath)
    {
        // Run as `dotnet RiskMonitor.Load.dll`, or as its apphost: start the same thing again.
        var (self, dll) = LivePriority.SelfCommand();
        var start = new ProcessStartInfo(self) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (dll is not null)
        {
            start.ArgumentList.Add(dll);
        }

        string I(double v) => v.ToString(CultureInfo.InvariantCulture);
        string[] args =
        [
            "--role", "publisher", "--port", I(port), "--assets", I(o.Assets), "--rate", I(o.Rate), "--seconds", I(o.Seconds),
            "--qos", I(o.Qos), "--batch", I(o.Batch), "--connections", I(o.Connections), "--window", I(o.Window),
            "--flip-ratio", I(o.FlipRatio), "--storm", I(o.StormAssets), "--storm-at", I(o.StormAtSeconds),
            "--storm-clear-after", I(o.StormClearAfterSeconds), "--changes-file", changesFile, "--drain-seconds", "0",
        ];
        foreach (var arg in credentials is null ? args : [.. args, "--credentials", credentials])
        {
            start.ArgumentList.Add(arg);
        }

        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("the publisher did not start");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                try
                {
                    lock (log)
                    {
                        log.WriteLine(line);
                    }
                }
                catch (ObjectDisposedException)
                {
                    // after dispose
                }
            }
        };
        process.BeginErrorReadLine();
        return new PublisherProcess(process, log);
    }

    public async Task WaitReadyAsync(CancellationToken ct)
    {
        while (await _process.StandardOutput.ReadLineAsync(ct) is { } line)
        {
            if (line == Publisher.ReadyLine)
            {
                return;
            }
        }

        await _process.WaitForExitAsync(ct);
        throw new InvalidOperationException($"the publisher exited with code {_process.ExitCode} before it was ready; see its log");
    }

    public async Task<PublisherSummary> WaitSummaryAsync(CancellationToken ct)
    {
        PublisherSummary? summary = null;
        while (await _process.StandardOutput.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith('{'))
            {
                summary = JsonSerializer.Deserialize<PublisherSummary>(line, LoadRuns.Json);
            }
        }

        await _process.WaitForExitAsync(ct);
        return summary ?? throw new InvalidOperationException($"the publisher exited with code {_process.ExitCode} without a summary; see its log");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }
}
