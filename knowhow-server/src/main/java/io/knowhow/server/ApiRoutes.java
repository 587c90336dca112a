package io.knowhow.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.app.AskRequest;
import io.knowhow.app.DeleteResult;
import io.knowhow.app.IngestRequest;
import io.knowhow.app.Knowhow;
import io.knowhow.app.json.JsonViews;
import io.knowhow.app.tune.TrainingListener;
import io.knowhow.app.tune.TuneOutcome;
import io.knowhow.app.tune.TuneRequest;
import io.knowhow.app.tune.TuneTask;
import io.knowhow.app.tune.Tuning;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.ingest.IngestReport;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.rag.Strategy;
import io.knowhow.server.auth.Principal;
import io.knowhow.server.auth.Scope;
import io.knowhow.server.http.ApiException;
import io.knowhow.server.http.Call;
import io.knowhow.server.http.Errors;
import io.knowhow.server.http.Multipart;
import io.knowhow.server.http.Route;
import io.knowhow.server.jobs.Job;
import io.knowhow.server.jobs.JobCancelledException;
import io.knowhow.server.jobs.Jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The REST API under {@code /api}: ask (JSON or server-sent events), search, sources and their chunks, deletes,
 * ingest jobs (uploads, or folders on the server for admin keys), jobs, fine-tuning, evaluation reports. Answers are
 * the JSON the CLI prints with {@code --json} ({@link JsonViews}).
 */
final class ApiRoutes {
    private final KnowhowServer server;
    private final Knowhow kb;

    ApiRoutes(KnowhowServer server) {
        this.server = server;
        this.kb = server.kb();
    }

    List<Route> routes() {
        Optional<Scope> read = Optional.of(Scope.READ), ingest = Optional.of(Scope.INGEST), admin = Optional.of(Scope.ADMIN);
        return List.of(
                new Route("POST", "/api/ask", read, this::ask),
                new Route("POST", "/api/search", read, this::search),
                new Route("GET", "/api/sources", read, this::sources),
                new Route("GET", "/api/sources/chunks", read, this::chunks),
                new Route("GET", "/api/sources/history", read, this::history),
                new Route("DELETE", "/api/sources", ingest, this::delete),
                new Route("POST", "/api/ingest", ingest, this::ingest),
                new Route("GET", "/api/jobs", read, this::jobs),
                new Route("GET", "/api/jobs/{id}", read, this::job),
                new Route("DELETE", "/api/jobs/{id}", read, this::cancelJob),
                new Route("POST", "/api/tune", admin, this::tune),
                new Route("GET", "/api/reports", admin, this::reports),
                new Route("GET", "/api/reports/{path*}", admin, this::reportFile),
                new Route("GET", "/api/whoami", read, this::whoami));
    }

    // ---- request bodies (unknown fields are a 400 naming them)

    /** {@code POST /api/ask}. */
    record AskBody(String question, Integer k, String strategy, List<String> tags, String mode) {}

    /** {@code POST /api/search}. */
    record SearchBody(String query, Integer k, String mode, List<String> tags) {}

    /** {@code POST /api/ingest} as JSON (admin keys): folders or files on the server. */
    record IngestPathsBody(List<String> paths, List<String> group, List<String> tag, @JsonProperty("public") Boolean makePublic) {}

    /** {@code POST /api/tune} as JSON: the training data is a file on the server. */
    record TuneBody(String task, String data, String base, String method, Integer epochs, Double learningRate, Integer batchSize,
                    Long seed, Integer checkpointEvery, Boolean activate, List<String> slots) {}

    // ---- knowledge

    private void ask(Call c) throws Exception {
        AskBody b = c.json(AskBody.class);
        String question = required(b.question(), "question");
        if (server.settings().logQuestions()) c.log("question", question);
        AskRequest request = new AskRequest(b.k(), mode(b.mode(), null), strategy(b.strategy()),
                new Filter(Set.of(), tags(b.tags()), c.principal().reader()));
        requireKnowledgeBase(request.strategy());
        if (c.wantsEventStream()) {
            Call.EventStream events = c.eventStream();
            try {
                Answer a = kb.ask(question, request, token -> {
                    try {
                        events.send("token", JsonViews.object().put("text", token));
                    } catch (IOException gone) {
                        throw new UncheckedIOException(gone); // the client hung up: stop generating for it
                    }
                });
                server.metrics().answer(a);
                events.send("answer", JsonViews.answer(a));
            } catch (Exception e) {
                ApiException a = Errors.map(e, c.requestId());
                c.log("error", a.code());
                try {
                    events.send("error", JsonViews.error(a.code(), a.getMessage()));
                } catch (IOException gone) {
                    // nothing to tell a client that is gone
                }
            }
            return;
        }
        Answer a = server.withDeadline(() -> kb.ask(question, request));
        server.metrics().answer(a);
        c.respond(200, JsonViews.answer(a));
    }

    private void search(Call c) throws Exception {
        SearchBody b = c.json(SearchBody.class);
        String query = required(b.query(), "query");
        if (server.settings().logQuestions()) c.log("question", query);
        int k = b.k() == null ? 5 : b.k();
        if (k < 1 || k > 1000) throw ApiException.badRequest("field 'k' must be between 1 and 1000, got " + k);
        SearchMode mode = mode(b.mode(), SearchMode.HYBRID);
        requireKnowledgeBase(Strategy.RAG);
        Filter filter = new Filter(Set.of(), tags(b.tags()), c.principal().reader());
        long t0 = System.nanoTime();
        List<Hit> hits = server.withDeadline(() -> kb.search(query, k, mode, filter));
        c.respond(200, JsonViews.hits(hits, mode.name(), (System.nanoTime() - t0) / 1e6));
    }

    private void sources(Call c) throws IOException {
        List<SourceRecord> visible = kb.exists() ? kb.sources(c.principal().reader()) : List.of();
        c.respond(200, JsonViews.sources(kb.directory(), visible));
    }

    private void chunks(Call c) throws IOException {
        String source = c.query("source").orElseThrow(() -> ApiException.badRequest("query parameter 'source' is required (a source as GET /api/sources lists it)"));
        List<Chunk> chunks = kb.exists() ? kb.chunks(source, c.principal().reader()) : List.of();
        // A source this key may not read answers exactly like one that does not exist.
        if (chunks.isEmpty()) throw ApiException.notFound("no source '" + source + "' that this key may read (see GET /api/sources)");
        ObjectNode root = JsonViews.object();
        root.put("source", source);
        ArrayNode arr = root.putArray("chunks");
        for (Chunk ch : chunks) {
            ObjectNode n = arr.addObject();
            n.put("chunk_id", ch.id());
            n.put("ordinal", ch.ordinal());
            n.putPOJO("heading_path", ch.headingPath());
            n.put("text", ch.text());
        }
        c.respond(200, root);
    }

    private void history(Call c) throws IOException {
        ObjectNode root = JsonViews.object();
        root.put("kb", kb.directory().toString());
        root.set("changes", JsonViews.changes(kb.exists() ? kb.changes(c.principal().reader()) : List.of()));
        c.respond(200, root);
    }

    /**
     * Deletes sources by their keys as listed (or a folder of them). Only sources this key may read are matched; one
     * it may not read is reported unmatched, as if it did not exist.
     */
    private void delete(Call c) throws Exception {
        List<String> names = c.queryAll("source");
        if (names.isEmpty() || names.stream().anyMatch(String::isBlank))
            throw ApiException.badRequest("query parameter 'source' is required (repeatable): a source key as GET /api/sources lists it, or a folder of them");
        boolean purge = c.queryFlag("purge");
        if (!kb.exists()) throw new ApiException(404, "not_found", "nothing has been ingested yet");
        List<String> visible = kb.sources(c.principal().reader()).stream().map(SourceRecord::source).toList();
        Set<String> targets = new LinkedHashSet<>();
        List<String> unmatched = new ArrayList<>();
        for (String given : names) {
            String g = given.endsWith("/") ? given.substring(0, given.length() - 1) : given;
            List<String> m = visible.stream().filter(s -> s.equals(g) || s.startsWith(g + "/")).toList();
            if (m.isEmpty()) unmatched.add(given);
            targets.addAll(m);
        }
        DeleteResult result = targets.isEmpty() ? new DeleteResult(List.of(), List.of()) : kb.delete(List.copyOf(targets), purge);
        List<String> allUnmatched = new ArrayList<>(unmatched);
        allUnmatched.addAll(result.unmatched());
        ObjectNode body = JsonViews.deleted(new DeleteResult(result.deleted(), allUnmatched));
        c.respond(result.deleted().isEmpty() ? 404 : 200, body);
    }

    // ---- ingest jobs

    private void ingest(Call c) throws Exception {
        String ct = c.contentType().orElse("").toLowerCase(Locale.ROOT);
        Job job = ct.startsWith("multipart/") ? upload(c) : ingestPaths(c);
        respondJob(c, job);
    }

    /** Files uploaded as multipart/form-data: {@code file} parts, {@code group} and {@code tag} fields, {@code public}. */
    private Job upload(Call c) throws Exception {
        Principal p = c.principal();
        String id = Jobs.newId();
        Path dir = uploadsDir().resolve(id);
        Multipart.Form form;
        try (InputStream in = c.limitedBody(server.settings().maxUploadBytes(), "server.max-upload-bytes")) {
            form = Multipart.parse(in, c.contentType().orElse(""), dir);
        } catch (Throwable e) {
            deleteTree(dir); // nothing of a refused upload stays on disk
            throw e;
        }
        try {
            unknownFields(form.fields().keySet(), Set.of("group", "tag", "public", "replace"));
            if (form.files().isEmpty())
                throw ApiException.badRequest("the upload holds no file: send each file as a form part with a filename (e.g. field 'file')");
            boolean makePublic = flag(form.all("public"), "public");
            boolean replace = form.all("replace").isEmpty() || flag(form.all("replace"), "replace");
            Set<String> groups = uploadGroups(p, split(form.all("group")), makePublic);
            Set<String> tags = split(form.all("tag"));
            List<Path> files = form.files().stream().map(Multipart.FilePart::stored).toList();
            IngestRequest request = new IngestRequest(files, tags.isEmpty() ? Optional.empty() : Optional.of(tags), Optional.of(groups));
            ArrayNode uploaded = JsonViews.MAPPER.createArrayNode();
            for (Multipart.FilePart f : form.files())
                uploaded.addObject().put("name", f.clientName()).put("source", f.stored().toString()).put("bytes", f.size());
            c.log("files", files.size());
            return server.jobs().submit(id, "ingest", p.name(), Jobs.Lane.WRITE, job -> {
                ObjectNode report = runIngest(job, request);
                report.set("uploads", uploaded);
                ArrayNode replaced = report.putArray("replaced");
                if (replace) replaceEarlierUploads(p, dir, groups, report).forEach(replaced::add);
                return report;
            }, () -> deleteTree(dir));
        } catch (Throwable e) {
            deleteTree(dir);
            throw e;
        }
    }

    /** Folders or files named by path on the server: admin keys only, since the path reaches the file system. */
    private Job ingestPaths(Call c) throws Exception {
        Principal p = c.principal();
        if (!p.scope().includes(Scope.ADMIN))
            throw new ApiException(403, "forbidden", "ingesting paths on the server needs an admin key; key '" + p.name()
                    + "' can upload files as multipart/form-data instead");
        IngestPathsBody b = c.json(IngestPathsBody.class);
        if (b.paths() == null || b.paths().isEmpty()) throw ApiException.badRequest("field 'paths' is required: files or folders on the server");
        List<Path> paths = new ArrayList<>();
        for (String s : b.paths()) {
            Path path = Path.of(s).toAbsolutePath().normalize();
            if (!Files.exists(path)) throw ApiException.badRequest("field 'paths': " + path + " does not exist on the server");
            paths.add(path);
        }
        Set<String> groups = new TreeSet<>(b.group() == null ? List.of() : b.group());
        boolean makePublic = Boolean.TRUE.equals(b.makePublic());
        if (makePublic && !groups.isEmpty()) throw ApiException.badRequest("fields 'public' and 'group' exclude each other");
        Set<String> tags = new TreeSet<>(b.tag() == null ? List.of() : b.tag());
        // As on the command line: without group or public, sources keep the groups they have.
        IngestRequest request = new IngestRequest(paths, tags.isEmpty() ? Optional.empty() : Optional.of(tags),
                makePublic ? Optional.of(Set.of()) : groups.isEmpty() ? Optional.empty() : Optional.of(groups));
        return server.jobs().submit("ingest", p.name(), Jobs.Lane.WRITE, job -> runIngest(job, request), () -> {});
    }

    /**
     * A file uploaded again replaces the earlier upload of the same name with the same groups (one the key may read):
     * the new version is committed first, then the old one deleted, so a reader sees the old, both, or the new —
     * each whole — and never neither. The old upload's file goes too.
     */
    private List<String> replaceEarlierUploads(Principal p, Path dir, Set<String> groups, ObjectNode report) {
        Set<String> added = new java.util.HashSet<>();
        for (JsonNode f : report.path("files"))
            if (f.path("outcome").asText().equals("added")) added.add(Path.of(f.path("source").asText()).getFileName().toString());
        if (added.isEmpty()) return List.of();
        Path uploads = uploadsDir().toAbsolutePath().normalize();
        List<String> old = kb.sources(p.reader()).stream()
                .filter(r -> r.accessGroups().equals(groups))
                .map(SourceRecord::source)
                .filter(src -> {
                    Path path = Path.of(src);
                    return path.getParent() != null && uploads.equals(path.getParent().getParent()) && !path.getParent().equals(dir.toAbsolutePath().normalize())
                            && added.contains(path.getFileName().toString());
                }).toList();
        if (old.isEmpty()) return List.of();
        List<String> deleted = kb.delete(old, false).deleted();
        for (String src : deleted) {
            try {
                Path file = Path.of(src);
                Files.deleteIfExists(file);
                try (Stream<Path> rest = Files.list(file.getParent())) {
                    if (rest.findAny().isEmpty()) Files.deleteIfExists(file.getParent());
                }
            } catch (IOException e) {
                // the source is gone from the knowledge base; a file left in its upload folder is harmless
            }
        }
        return deleted;
    }

    private ObjectNode runIngest(Job job, IngestRequest request) {
        AtomicLong done = new AtomicLong();
        long[] total = {0};
        IngestReport report = kb.ingest(request, new IngestListener() {
            @Override
            public void started(int totalFiles) {
                total[0] = totalFiles;
                job.progress(0, totalFiles, "started");
                if (job.cancelRequested()) throw new JobCancelledException();
            }

            @Override
            public void fileDone(IngestReport.FileResult result) {
                job.progress(done.incrementAndGet(), total[0], result.outcome().name().toLowerCase(Locale.ROOT) + " " + Path.of(result.source()).getFileName());
                // Stopping here is safe: what is committed is whole sources; the batch not yet written is dropped.
                if (job.cancelRequested()) throw new JobCancelledException();
            }
        });
        return JsonViews.ingest(kb.directory(), report);
    }

    /**
     * The groups of uploaded files: those named (each one the key's own, unless admin), else the key's own groups —
     * an upload by a restricted key is never public by accident — and public only when asked.
     */
    private static Set<String> uploadGroups(Principal p, Set<String> named, boolean makePublic) {
        if (makePublic && !named.isEmpty()) throw ApiException.badRequest("fields 'public' and 'group' exclude each other");
        if (makePublic) return Set.of();
        if (named.isEmpty()) return p.groups();
        if (!p.scope().includes(Scope.ADMIN))
            for (String g : named)
                if (!p.groups().contains(g))
                    throw new ApiException(403, "forbidden", "key '" + p.name() + "' may upload only into its own groups " + p.groups()
                            + ", not '" + g + "'");
        return named;
    }

    // ---- jobs

    private void jobs(Call c) throws IOException {
        ArrayNode arr = JsonViews.MAPPER.createArrayNode();
        for (Job j : server.jobs().list()) if (maySee(c.principal(), j)) arr.add(j.json());
        ObjectNode root = JsonViews.object();
        root.set("jobs", arr);
        c.respond(200, root);
    }

    private void job(Call c) throws IOException {
        c.respond(200, JsonViews.object().set("job", visibleJob(c).json()));
    }

    private void cancelJob(Call c) throws IOException {
        Job j = visibleJob(c);
        server.jobs().cancel(j);
        c.respond(202, JsonViews.object().set("job", j.json()));
    }

    private Job visibleJob(Call c) {
        String id = c.pathParam("id");
        return server.jobs().get(id).filter(j -> maySee(c.principal(), j))
                .orElseThrow(() -> ApiException.notFound("no job '" + id + "' of this key (GET /api/jobs lists them)"));
    }

    /** A job is seen by the key that started it and by admin keys; another key gets 404, as for no job at all. */
    private static boolean maySee(Principal p, Job j) {
        if (p.anonymous()) return false;
        return p.scope().includes(Scope.ADMIN) || j.owner().equals(p.name());
    }

    // ---- fine-tuning

    /** A fine-tuning job: JSON naming a data file on the server, or multipart with the data as part {@code data}. */
    private void tune(Call c) throws Exception {
        String ct = c.contentType().orElse("").toLowerCase(Locale.ROOT);
        String id = Jobs.newId();
        Path dir = uploadsDir().resolve(id);
        TuneRequest request;
        try {
            if (ct.startsWith("multipart/")) {
                Multipart.Form form;
                try (InputStream in = c.limitedBody(server.settings().maxUploadBytes(), "server.max-upload-bytes")) {
                    form = Multipart.parse(in, c.contentType().orElse(""), dir);
                }
                unknownFields(form.fields().keySet(), Set.of("task", "base", "method", "epochs", "learning_rate", "batch_size", "seed",
                        "checkpoint_every", "activate", "slots"));
                Path data = form.files().stream().filter(f -> f.field().equals("data")).map(Multipart.FilePart::stored).findFirst()
                        .orElseThrow(() -> ApiException.badRequest("the upload holds no 'data' file part: send the training data as field 'data'"));
                request = tuneRequest(new TuneBody(one(form, "task"), data.toString(), one(form, "base"), one(form, "method"),
                        integer(one(form, "epochs"), "epochs"), decimal(one(form, "learning_rate"), "learning_rate"),
                        integer(one(form, "batch_size"), "batch_size"), longValue(one(form, "seed"), "seed"),
                        integer(one(form, "checkpoint_every"), "checkpoint_every"),
                        one(form, "activate") == null ? null : flag(form.all("activate"), "activate"), split(form.all("slots")).stream().toList()));
            } else {
                request = tuneRequest(c.json(TuneBody.class));
            }
        } catch (Throwable e) {
            deleteTree(dir);
            throw e;
        }
        TuneRequest r = request;
        Job job = server.jobs().submit(id, "tune", c.principal().name(), Jobs.Lane.TUNE, j -> {
            Tuning tuning = kb.tuning();
            j.onCancel(tuning::cancel);
            TuneOutcome outcome = tuning.run(r, new TrainingListener() {
                @Override
                public void started(int totalSteps, int startStep) {
                    j.progress(startStep, totalSteps, "training");
                }

                @Override
                public void stepped(int step, int totalSteps, double loss, double tokensPerSecond) {
                    j.progress(step, totalSteps, String.format(Locale.ROOT, "loss %.4f", loss));
                }
            });
            return JsonViews.tune(outcome);
        }, () -> deleteTree(dir));
        respondJob(c, job);
    }

    private static TuneRequest tuneRequest(TuneBody b) {
        if (b.task() == null) throw ApiException.badRequest("field 'task' is required: generate, classify, extract or embed");
        if (b.data() == null) throw ApiException.badRequest("field 'data' is required: the training data file on the server (or upload it as multipart part 'data')");
        TuneTask task;
        try {
            task = TuneTask.parse(b.task());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("field 'task': " + e.getMessage());
        }
        Path data = Path.of(b.data()).toAbsolutePath().normalize();
        if (!Files.isRegularFile(data)) throw ApiException.badRequest("field 'data': " + data + " is not a file on the server");
        TuneRequest.Builder builder = TuneRequest.builder(task, data).method(b.method()).epochs(b.epochs()).learningRate(b.learningRate())
                .batchSize(b.batchSize()).slots(b.slots());
        if (b.base() != null) builder.base(Path.of(b.base()));
        if (b.seed() != null) builder.seed(b.seed());
        if (b.checkpointEvery() != null) builder.checkpointEvery(b.checkpointEvery());
        if (b.activate() != null) builder.activate(b.activate());
        return builder.build();
    }

    // ---- evaluation reports (read-only files under KB/reports)

    private void reports(Call c) throws IOException {
        Path root = kb.directory().resolve("reports");
        ArrayNode arr = JsonViews.MAPPER.createArrayNode();
        if (Files.isDirectory(root)) {
            try (Stream<Path> dirs = Files.list(root)) {
                for (Path d : dirs.filter(Files::isDirectory).sorted(Comparator.comparing(Path::toString)).toList()) {
                    ObjectNode n = arr.addObject();
                    n.put("name", d.getFileName().toString());
                    ArrayNode files = n.putArray("files");
                    try (Stream<Path> walk = Files.walk(d, 4)) {
                        walk.filter(Files::isRegularFile).map(f -> root.relativize(f).toString()).sorted().forEach(files::add);
                    }
                }
            }
        }
        c.respond(200, JsonViews.object().set("reports", arr));
    }

    private void reportFile(Call c) throws IOException {
        Path root = kb.directory().resolve("reports");
        String rel = c.pathParam("path");
        Path file = root.resolve(rel).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file)
                || !file.toRealPath().startsWith(root.toRealPath())) // a link out of the reports folder is not followed
            throw ApiException.notFound("no report file '" + rel + "' (GET /api/reports lists them)");
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String type = name.endsWith(".html") ? "text/html; charset=utf-8" : name.endsWith(".json") ? "application/json"
                : name.endsWith(".svg") ? "image/svg+xml" : name.endsWith(".png") ? "image/png" : name.endsWith(".csv") ? "text/csv; charset=utf-8"
                : "text/plain; charset=utf-8";
        // A report's own scripts never run on this origin: the browser treats it as a sandboxed, opaque document.
        c.respond(200, type, Files.readAllBytes(file), Map.of("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"));
    }

    private void whoami(Call c) throws IOException {
        Principal p = c.principal();
        ObjectNode n = JsonViews.object();
        n.put("name", p.name());
        n.put("scope", p.scope().label());
        n.putPOJO("groups", new TreeSet<>(p.groups()));
        n.put("anonymous", p.anonymous());
        c.respond(200, n);
    }

    // ---- helpers

    private void respondJob(Call c, Job job) throws Exception {
        c.log("job", job.id());
        if (c.queryFlag("wait")) {
            if (!job.await(server.settings().requestTimeout()))
                c.respond(202, JsonViews.object().set("job", job.json()), Map.of("Location", "/api/jobs/" + job.id()));
            else c.respond(200, JsonViews.object().set("job", job.json()));
            return;
        }
        c.respond(202, JsonViews.object().set("job", job.json()), Map.of("Location", "/api/jobs/" + job.id()));
    }

    private void requireKnowledgeBase(Strategy strategy) {
        boolean needsStore = strategy == null || strategy.retrieves() || strategy == Strategy.FULL_CONTEXT;
        if (needsStore && !kb.exists())
            throw new ApiException(409, "no_knowledge_base", "nothing has been ingested into this knowledge base yet: upload documents first (POST /api/ingest)");
    }

    private Path uploadsDir() {
        return kb.directory().resolve("uploads");
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) throw ApiException.badRequest("field '" + field + "' is required");
        return value;
    }

    private static SearchMode mode(String s, SearchMode fallback) {
        if (s == null) return fallback;
        try {
            return SearchMode.parse(s);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("field 'mode': " + e.getMessage());
        }
    }

    private static Strategy strategy(String s) {
        if (s == null) return null;
        try {
            return Strategy.parse(s);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("field 'strategy': " + e.getMessage());
        }
    }

    private static Set<String> tags(List<String> tags) {
        if (tags == null) return Set.of();
        for (String t : tags) if (t == null || t.isBlank()) throw ApiException.badRequest("field 'tags' holds an empty tag");
        return Set.copyOf(tags);
    }

    /** Form values, each possibly a comma-separated list, trimmed, without blanks. */
    private static Set<String> split(List<String> values) {
        Set<String> out = new TreeSet<>();
        for (String v : values) for (String part : v.split(",")) if (!part.isBlank()) out.add(part.strip());
        return out;
    }

    private static void unknownFields(Set<String> given, Set<String> known) {
        for (String f : given)
            if (!known.contains(f)) throw ApiException.badRequest("unknown form field '" + f + "'; known fields: file parts, " + String.join(", ", new TreeSet<>(known)));
    }

    private static boolean flag(List<String> values, String field) {
        if (values.isEmpty()) return false;
        String v = values.get(values.size() - 1).strip();
        if (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("on")) return true;
        if (v.equalsIgnoreCase("false") || v.equals("0") || v.isEmpty()) return false;
        throw ApiException.badRequest("form field '" + field + "' must be true or false, got '" + v + "'");
    }

    private static String one(Multipart.Form form, String field) {
        List<String> v = form.all(field);
        return v.isEmpty() ? null : v.get(v.size() - 1).strip();
    }

    private static Integer integer(String v, String field) {
        if (v == null) return null;
        try {
            return Integer.valueOf(v);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("form field '" + field + "' must be a whole number, got '" + v + "'");
        }
    }

    private static Long longValue(String v, String field) {
        if (v == null) return null;
        try {
            return Long.valueOf(v);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("form field '" + field + "' must be a whole number, got '" + v + "'");
        }
    }

    private static Double decimal(String v, String field) {
        if (v == null) return null;
        try {
            return Double.valueOf(v);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("form field '" + field + "' must be a number, got '" + v + "'");
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // best effort: an upload folder left behind holds nothing the knowledge base uses
        }
    }
}
