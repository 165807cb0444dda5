package dev.pgroup.cli;

import dev.pgroup.core.PGroupEngine;
import dev.pgroup.core.model.GroupInfo;
import dev.pgroup.core.model.SeedInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "list",
        description = {
            "Every group of this user on this machine (from the database): id, owner, state, age, ports.",
            "Owner is 'detached' for a group made by 'create', else the pid of the program that owns it"
                    + " ('dead' once that program is gone: the group is a leftover)."
        })
final class ListCommand extends EngineCommand {
    @Option(names = "--json", description = "Print a JSON array instead.")
    boolean json;

    @Option(
            names = "--seeds",
            description = "List the cached seeds instead: key, process, size, last use, copies made ahead.")
    boolean seeds;

    @Override
    int run(PGroupEngine engine) {
        if (seeds) {
            return listSeeds(engine);
        }
        Instant now = Instant.now();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "OWNER", "STATE", "AGE", "PORTS"});
        List<Object> objects = new ArrayList<>();
        for (GroupInfo g : engine.list()) {
            Map<String, Map<String, Integer>> ports = ports(engine, g);
            String owner = g.detached() ? "detached" : "pid " + g.ownerPid() + (g.ownerAlive() ? "" : " (dead)");
            String state = g.running() ? "running" : "stopped";
            rows.add(new String[] {
                g.id(), owner, state, Formats.duration(Duration.between(g.createdAt(), now)), Formats.groupPorts(ports)
            });
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", g.id());
            o.put("name", g.name());
            o.put("directory", g.directory().toString());
            o.put("detached", g.detached());
            o.put("ownerPid", g.ownerPid());
            o.put("ownerAlive", g.ownerAlive());
            o.put("state", state);
            o.put("createdAt", g.createdAt().toString());
            o.put("ports", ports);
            objects.add(o);
        }
        return print(rows, objects);
    }

    private int listSeeds(PGroupEngine engine) {
        Instant now = Instant.now();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"KEY", "PROCESS", "SIZE", "UNUSED FOR", "AHEAD", "DEFINITION"});
        List<Object> objects = new ArrayList<>();
        for (SeedInfo s : engine.seeds()) {
            rows.add(new String[] {
                s.key(),
                s.process(),
                String.format(java.util.Locale.ROOT, "%.1f MB", s.bytes() / 1e6),
                Formats.duration(Duration.between(s.lastUsedAt(), now)),
                Integer.toString(s.pooledCopies()),
                s.definitionDir().toString()
            });
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("key", s.key());
            o.put("process", s.process());
            o.put("definition", s.definitionDir().toString());
            o.put("bytes", s.bytes());
            o.put("createdAt", s.createdAt().toString());
            o.put("lastUsedAt", s.lastUsedAt().toString());
            o.put("pooledCopies", s.pooledCopies());
            objects.add(o);
        }
        return print(rows, objects);
    }

    /** The table, or with {@code --json} the objects. */
    private int print(List<String[]> rows, List<Object> objects) {
        if (json) {
            out().println(Json.write(objects));
        } else {
            out().print(Formats.columns(rows));
        }
        return 0;
    }

    /** The group's ports, or none when its directory is gone (a leftover the registry still lists). */
    private static Map<String, Map<String, Integer>> ports(PGroupEngine engine, GroupInfo g) {
        try {
            return engine.open(g.id()).ports();
        } catch (RuntimeException e) {
            return Map.of();
        }
    }
}
