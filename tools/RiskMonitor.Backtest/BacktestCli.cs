using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace RiskMonitor.Backtest;

/// <summary>
/// <c>rm-backtest</c>: starts a backtest on a RiskMonitor server (<c>POST /api/rules/backtests</c>), follows its
/// progress, and prints the report (decision 0050). Exit codes: 0 completed, 1 failed or cancelled, 2 refused (bad
/// arguments or a bad request, with the server's problem details), 3 the server could not be reached or signed in to.
/// </summary>
public static class BacktestCli
{
    public const int Completed = 0;
    public const int NotCompleted = 1;
    public const int Refused = 2;
    public const int Unreachable = 3;

    public const string Usage = """
        rm-backtest: replay stored readings through a candidate rule document and compare with the live rules and the alerts raised.

          rm-backtest (--assets ID[,ID...] | --kind KIND) [--document FILE] [--from TIME] [--to TIME] [--hours N]
                      [--server URL] [--token JWT | --user NAME] [--poll-seconds N] [--json]

          --assets, --kind   what to replay (at most the server's Rules:Backtest:MaxAssets)
          --document FILE    the candidate rule document (the rule file's format); default: the live rules
          --from, --to       ISO 8601 times; default: the last --hours (24) up to now
          --server URL       default $RM_SERVER, else http://localhost:8080
          --token JWT        a supervisor's bearer token; default $RM_TOKEN
          --user NAME        sign in as NAME with the password in $RM_PASSWORD (never on the command line)
          --json             print the server's result as JSON instead of the table
        """;

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(
        string[] args, TextWriter output, TextWriter error, Func<string, string?> environment, HttpMessageHandler? handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(environment);
        var arguments = BacktestArguments.Parse(args, environment);
        if (arguments is null)
        {
            await output.WriteLineAsync(Usage); // --help
            return Completed;
        }

        if (arguments.Problem is { } problem)
        {
            await error.WriteLineAsync($"rm-backtest: {problem}");
            await error.WriteLineAsync(Usage);
            return Refused;
        }

        using var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = arguments.Server;
        http.Timeout = TimeSpan.FromSeconds(100);
        try
        {
            var token = arguments.Token ?? await SignInAsync(http, arguments, cancellationToken);
            if (token is null)
            {
                await error.WriteLineAsync("rm-backtest: sign-in refused; give --token, or --user with $RM_PASSWORD.");
                return Unreachable;
            }

            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var started = await http.PostAsJsonAsync("api/rules/backtests", arguments.Request(), Web, cancellationToken);
            if (!started.IsSuccessStatusCode)
            {
                await error.WriteLineAsync($"rm-backtest: the server refused the backtest ({(int)started.StatusCode}):");
                await error.WriteLineAsync(await started.Content.ReadAsStringAsync(cancellationToken));
                return started.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? Unreachable : Refused;
            }

            var job = await started.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var jobId = job.GetProperty("jobId").GetString()!;
            await error.WriteLineAsync($"rm-backtest: job {jobId} started on {arguments.Server}");
            var result = await FollowAsync(http, jobId, arguments.PollInterval, error, cancellationToken);
            await output.WriteLineAsync(arguments.Json ? JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }) : BacktestReport.Format(result));
            return result.GetProperty("status").GetString() == "completed" ? Completed : NotCompleted;
        }
        catch (HttpRequestException ex)
        {
            await error.WriteLineAsync($"rm-backtest: cannot reach {arguments.Server}: {ex.Message}");
            return Unreachable;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("rm-backtest: interrupted.");
            return NotCompleted;
        }
    }

    private static async Task<string?> SignInAsync(HttpClient http, BacktestArguments arguments, CancellationToken cancellationToken)
    {
        if (arguments.User is null || arguments.Password is null)
        {
            return null;
        }

        using var response = await http.PostAsJsonAsync("api/auth/token", new { username = arguments.User, password = arguments.Password }, Web, cancellationToken);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("accessToken").GetString()
            : null;
    }

    /// <summary>Polls the job until it ends; an interrupted CLI cancels the job on the server before it goes.</summary>
    private static async Task<JsonElement> FollowAsync(HttpClient http, string jobId, TimeSpan poll, TextWriter error, CancellationToken cancellationToken)
    {
        var lastDone = -1;
        while (true)
        {
            JsonElement job;
            try
            {
                await Task.Delay(poll, cancellationToken);
                job = await http.GetFromJsonAsync<JsonElement>($"api/rules/backtests/{Uri.EscapeDataString(jobId)}", cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                using var cancelled = await http.PostAsync($"api/rules/backtests/{Uri.EscapeDataString(jobId)}/cancel", null, CancellationToken.None);
                throw;
            }

            var status = job.GetProperty("status").GetString();
            var done = job.GetProperty("assetsDone").GetInt32();
            if (done != lastDone)
            {
                lastDone = done;
                await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"rm-backtest: {status}, {done} of {job.GetProperty("assetsTotal").GetInt32()} assets, {job.GetProperty("samplesReplayed").GetInt64():N0} readings"));
            }

            if (status is not ("queued" or "running"))
            {
                return job;
            }
        }
    }
}
