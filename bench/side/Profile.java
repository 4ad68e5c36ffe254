import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Where a phase's CPU went, from a recording of `bench/side/run --jfr DIR`:
 *
 * <pre>
 *   java bench/side/Profile.java DIR/get.jfr                       # methods by inclusive share, then by own share
 *   java bench/side/Profile.java DIR/get.jfr dev.lanyard           # only methods whose class starts so
 *   java bench/side/Profile.java DIR/get.jfr --under AccountStore.map   # what that method's share is spent in
 * </pre>
 *
 * Reads jdk.CPUTimeSample (JDK 25+, one per 2 ms of a thread's CPU, kernel time of its syscalls
 * included) when the recording has them, else jdk.ExecutionSample. Shares are of all samples.
 * `jfr print` shows five frames of each stack; this reads them whole.
 */
public class Profile {
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: java Profile.java FILE.jfr [CLASS_PREFIX | --under Class.method]");
            System.exit(2);
        }
        List<List<String>> stacks = stacks(Path.of(args[0]));
        int n = stacks.size();
        System.out.printf("%d samples%n", n);
        if (args.length >= 3 && args[1].equals("--under")) {
            under(stacks, args[2]);
            return;
        }
        String prefix = args.length >= 2 ? args[1] : "";
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> own = new HashMap<>();
        for (List<String> stack : stacks) {
            own.merge(stack.getFirst(), 1, Integer::sum);
            for (String m : new HashSet<>(stack)) inclusive.merge(m, 1, Integer::sum);
        }
        System.out.println("== inclusive");
        print(inclusive, n, prefix, 60);
        System.out.println("== own");
        print(own, n, prefix, 40);
    }

    /** Each sample's stack, innermost frame first, as "package.Class.method". */
    private static List<List<String>> stacks(Path file) throws Exception {
        List<RecordedEvent> cpu = new ArrayList<>();
        List<RecordedEvent> execution = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.CPUTimeSample")) cpu.add(e);
            if (type.equals("jdk.ExecutionSample")) execution.add(e);
        }
        List<RecordedEvent> samples = cpu.isEmpty() ? execution : cpu;
        System.out.printf("%s: ", cpu.isEmpty() ? "jdk.ExecutionSample" : "jdk.CPUTimeSample");
        List<List<String>> out = new ArrayList<>();
        for (RecordedEvent e : samples) {
            if (e.getStackTrace() == null) continue;
            List<String> stack = new ArrayList<>();
            for (RecordedFrame f : e.getStackTrace().getFrames()) {
                stack.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
            }
            if (!stack.isEmpty()) out.add(stack);
        }
        return out;
    }

    /** The samples with {@code method} on the stack, by the frame it called (its outermost call). */
    private static void under(List<List<String>> stacks, String method) {
        Map<String, Integer> callees = new HashMap<>();
        int in = 0;
        for (List<String> stack : stacks) {
            int at = -1;
            for (int i = stack.size() - 1; i >= 0; i--) {
                if (stack.get(i).endsWith(method)) {
                    at = i;
                    break;
                }
            }
            if (at < 0) continue;
            in++;
            callees.merge(at == 0 ? "(own)" : stack.get(at - 1), 1, Integer::sum);
        }
        System.out.printf("%s: %.1f %%%n", method, 100.0 * in / stacks.size());
        print(callees, stacks.size(), "", 30);
    }

    private static void print(Map<String, Integer> counts, int n, String prefix, int limit) {
        counts.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix) || e.getKey().equals("(own)"))
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(limit)
                .forEach(e -> System.out.printf("%5.1f %s%n", 100.0 * e.getValue() / n, e.getKey()));
    }
}
