package dev.pgroup.core.internal.definition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the {@code after} graph of a definition: every process waited for exists, none waits for
 * itself, and there is no cycle, which would leave its processes waiting for each other forever.
 */
final class AfterGraph {
    private AfterGraph() {}

    static void check(List<ProcessDefinition> processes, DefinitionToml toml) {
        Map<String, ProcessDefinition> byName = new LinkedHashMap<>();
        processes.forEach(p -> byName.put(p.name(), p));
        for (ProcessDefinition p : processes) {
            for (String dep : p.after()) {
                if (dep.equals(p.name())) {
                    throw toml.fail(p.line("after"), p.name(), "after", "a process cannot wait for itself");
                }
                if (!byName.containsKey(dep)) {
                    throw toml.fail(
                            p.line("after"),
                            p.name(),
                            "after",
                            "unknown process '" + dep + "'" + Names.didYouMean(dep, byName.keySet())
                                    + "; the group has " + byName.keySet());
                }
            }
        }
        // Depth-first search for a cycle, reported as a path, e.g. a -> b -> a. Iterative: a chain of
        // thousands of processes must not overflow the stack.
        Map<String, Integer> state = new HashMap<>(); // 1 = on the path, 2 = done
        for (ProcessDefinition p : processes) {
            List<String> cycle = findCycle(p.name(), byName, state);
            if (cycle != null) {
                ProcessDefinition first = byName.get(cycle.get(0));
                throw toml.fail(
                        first.line("after"),
                        first.name(),
                        "after",
                        "processes wait for each other in a cycle: " + describeCycle(cycle));
            }
        }
    }

    private static List<String> findCycle(
            String start, Map<String, ProcessDefinition> byName, Map<String, Integer> state) {
        if (state.containsKey(start)) {
            return null;
        }
        List<String> path = new ArrayList<>();
        List<Iterator<String>> pending = new ArrayList<>();
        state.put(start, 1);
        path.add(start);
        pending.add(byName.get(start).after().iterator());
        while (!path.isEmpty()) {
            Iterator<String> deps = pending.get(pending.size() - 1);
            if (!deps.hasNext()) {
                state.put(path.remove(path.size() - 1), 2);
                pending.remove(pending.size() - 1);
                continue;
            }
            String dep = deps.next();
            Integer s = state.get(dep);
            if (s == null) {
                state.put(dep, 1);
                path.add(dep);
                pending.add(byName.get(dep).after().iterator());
            } else if (s == 1) {
                List<String> cycle = new ArrayList<>(path.subList(path.indexOf(dep), path.size()));
                cycle.add(dep);
                return cycle;
            }
        }
        return null;
    }

    /** The cycle as a path; a long one shows its ends, not thousands of names. */
    private static String describeCycle(List<String> cycle) {
        if (cycle.size() <= 12) {
            return String.join(" -> ", cycle);
        }
        return String.join(" -> ", cycle.subList(0, 5)) + " -> ... (" + (cycle.size() - 10) + " more) -> "
                + String.join(" -> ", cycle.subList(cycle.size() - 5, cycle.size()));
    }
}
