package io.inferrouter.bench.overhead;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time a process and its descendants have used (user + system, from {@code /proc/<pid>/stat}):
 * read before and after a round, divided by the requests served, it gives a target's CPU per request,
 * which a busy machine changes far less than its throughput. Linux only; elsewhere -1.
 */
final class ProcessCpu {

    /** Clock ticks per second of {@code /proc}'s times: 100 on every Linux built with USER_HZ=100. */
    private static final long TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    /** Nanoseconds of CPU used so far by {@code root} and every live descendant, or -1 when unknown. */
    static long nanos(ProcessHandle root) {
        long ticks = 0;
        for (ProcessHandle p : (Iterable<ProcessHandle>) Stream.concat(Stream.of(root), root.descendants())::iterator) {
            long t = ticks(p.pid());
            if (t < 0) {
                return -1;
            }
            ticks += t;
        }
        return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    }

    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name (which may hold spaces, so split after its closing parenthesis):
            // state is field 3; utime and stime are fields 14 and 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
