using System.Runtime.InteropServices;

namespace QuantumTrader.Host.Bench;

/// <summary>
/// CPU time of the calling thread (Linux CLOCK_THREAD_CPUTIME_ID), which leaves out the time the thread waited for a core.
/// On a shared machine the wall-clock tail of a latency is mostly such waiting; this clock shows what the code itself costs.
/// Elsewhere <see cref="Available"/> is false and <see cref="NowMicros"/> returns null.
/// </summary>
public static class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    public static bool Available { get; } = OperatingSystem.IsLinux() && Environment.Is64BitProcess && Probe();

    public static double? NowMicros()
    {
        if (!Available || ClockGetTime(ClockThreadCpuTimeId, out var t) != 0) return null;
        return t.Seconds * 1e6 + t.Nanoseconds / 1e3;
    }

    /// <summary>The machine's load average over the last minute (from /proc/loadavg), or null where unknown.</summary>
    public static double? LoadAverage()
    {
        try
        {
            var text = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg") : null;
            return text is not null && double.TryParse(text.Split(' ')[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var load) ? load : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool Probe()
    {
        try
        {
            return ClockGetTime(ClockThreadCpuTimeId, out _) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
