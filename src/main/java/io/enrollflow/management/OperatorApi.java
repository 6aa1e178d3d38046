package io.enrollflow.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enrollflow.deadletter.DeadLetter;
import io.enrollflow.deadletter.DeadLetterFilter;
import io.enrollflow.deadletter.DeadLetterStore;
import io.enrollflow.deadletter.ReplayService;
import io.enrollflow.queue.IntakePause;
import io.enrollflow.status.StatusStore;
import io.enrollflow.status.TaskReport;
import io.enrollflow.task.TaskParser;
import io.enrollflow.util.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The token-protected operator API of docs/contract.md §8, behind {@code /api/}; every answer is JSON:
 * <pre>
 * GET    /api/tasks/{taskId}                          the status hash and its history (404 unknown)
 * GET    /api/dead-letters[?stage=&amp;reason=&amp;limit=&amp;offset=]   one page of records, newest first
 *                                                  (limit 1..1000, default 100; offset 0..10,000,000, default 0)
 * GET    /api/dead-letters/{taskId}                   one record (404 unknown)
 * POST   /api/dead-letters/{taskId}/replay            replay one (404 unknown)
 * POST   /api/dead-letters/replay?all=true|reason=R|stage=S   replay a selection (reason and stage may combine), in
 *                                                  batches; the answer names the first 1000 ids and counts them all
 * DELETE /api/dead-letters/{taskId}                   purge one (404 unknown); its status stays failed
 * POST   /api/intake/pause, /api/intake/resume; GET /api/intake   fleet-wide intake
 * </pre>
 * Replays and purges go through the same {@link ReplayService} as the CLI's {@code dlq replay|purge}.
 */
class OperatorApi {

    /** An answer: HTTP status and JSON body. */
    record Answer(int status, JsonNode body) {
    }

    private static final ObjectMapper JSON = Json.MAPPER;
    private static final int DEFAULT_LIMIT = 100;

    private final StatusStore status;
    private final DeadLetterStore deadLetters;
    private final ReplayService replays;
    private final IntakePause pause;

    OperatorApi(StatusStore status, DeadLetterStore deadLetters, ReplayService replays, IntakePause pause) {
        this.status = status;
        this.deadLetters = deadLetters;
        this.replays = replays;
        this.pause = pause;
    }

    /**
     * Answers one request.
     *
     * @param segments the path after {@code /api/}, split at '/', URL-decoded
     * @param query    the query parameters (first value each)
     */
    Answer handle(String method, List<String> segments, Map<String, String> query) {
        if (segments.isEmpty()) {
            return notFound("no such endpoint");
        }
        // an id that breaks the taskId rule names nothing: 404 before it reaches Redis (docs/contract.md §8)
        if (segments.size() >= 2 && (segments.get(0).equals("tasks") || segments.get(0).equals("dead-letters"))
                && !TaskParser.TASK_ID.matcher(segments.get(1)).matches()) {
            return notFound("no such task: not a task id");
        }
        return switch (segments.get(0)) {
            case "tasks" -> tasks(method, segments);
            case "dead-letters" -> deadLetters(method, segments, query);
            case "intake" -> intake(method, segments);
            default -> notFound("no such endpoint");
        };
    }

    private Answer tasks(String method, List<String> segments) {
        if (segments.size() != 2) {
            return notFound("no such endpoint");
        }
        if (!method.equals("GET")) {
            return methodNotAllowed("GET");
        }
        String taskId = segments.get(1);
        ObjectNode body = TaskReport.of(status, taskId);
        if (body == null) {
            return notFound("no task " + taskId);
        }
        return new Answer(200, body);
    }

    private Answer deadLetters(String method, List<String> segments, Map<String, String> query) {
        if (segments.size() == 1) {
            return method.equals("GET") ? list(query) : methodNotAllowed("GET");
        }
        String id = segments.get(1);
        if (segments.size() == 2 && id.equals("replay") && method.equals("POST")) {
            return replaySelection(query);
        }
        if (segments.size() == 2) {
            return switch (method) {
                case "GET" -> {
                    DeadLetter letter = deadLetters.get(id);
                    yield letter == null ? notFound("no dead letter for " + id) : new Answer(200, letter.json());
                }
                case "DELETE" -> {
                    ReplayService.Outcome outcome = replays.purge(List.of(id));
                    yield outcome.done().isEmpty() ? notFound("no dead letter for " + id) : done("purged", outcome.done());
                }
                default -> methodNotAllowed("GET, DELETE");
            };
        }
        if (segments.size() == 3 && segments.get(2).equals("replay")) {
            if (!method.equals("POST")) {
                return methodNotAllowed("POST");
            }
            ReplayService.Outcome outcome = replays.replay(List.of(id));
            return outcome.done().isEmpty() ? notFound("no dead letter for " + id) : done("replayed", outcome.done());
        }
        return notFound("no such endpoint");
    }

    private Answer list(Map<String, String> query) {
        String stage = query.get("stage");
        String reason = query.get("reason");
        String problem = DeadLetterFilter.problem(stage, reason);
        if (problem != null) {
            return badRequest(problem);
        }
        Integer limit = bounded(query, "limit", DEFAULT_LIMIT, 1, DeadLetterStore.MAX_LIMIT);
        if (limit == null) {
            return badRequest("limit must be a whole number from 1 to " + DeadLetterStore.MAX_LIMIT);
        }
        Integer offset = bounded(query, "offset", 0, 0, DeadLetterStore.MAX_OFFSET);
        if (offset == null) {
            return badRequest("offset must be a whole number from 0 to " + DeadLetterStore.MAX_OFFSET);
        }
        ArrayNode array = JSON.createArrayNode();
        deadLetters.page(new DeadLetterFilter(reason, stage, null), offset, limit).records()
                .forEach(letter -> array.add(letter.json()));
        return new Answer(200, array);
    }

    /** A query number within [min, max], {@code absent} when not given, null when it is not one or out of range. */
    private static Integer bounded(Map<String, String> query, String name, int absent, int min, int max) {
        String text = query.get(name);
        if (text == null) {
            return absent;
        }
        try {
            int value = Integer.parseInt(text.trim());
            return value < min || value > max ? null : value;
        } catch (NumberFormatException notANumber) {
            // not a whole number (or past int): the caller answers 400
            return null;
        }
    }

    private Answer replaySelection(Map<String, String> query) {
        String stage = query.get("stage");
        String reason = query.get("reason");
        boolean all = "true".equalsIgnoreCase(query.get("all"));
        if (!all && stage == null && reason == null) {
            return badRequest("say which dead letters to replay: all=true, reason=R or stage=S");
        }
        if (all && (stage != null || reason != null)) {
            return badRequest("all=true replays every dead letter; leave out stage and reason, or all");
        }
        String problem = DeadLetterFilter.problem(stage, reason);
        if (problem != null) {
            return badRequest(problem);
        }
        List<String> named = new ArrayList<>();
        long count = replays.replayMatching(new DeadLetterFilter(reason, stage, null), letter -> {
            if (named.size() < DeadLetterStore.MAX_LIMIT) {
                named.add(letter.taskId());
            }
        });
        ObjectNode body = JSON.createObjectNode();
        ArrayNode ids = body.putArray("replayed");
        named.forEach(ids::add);
        body.put("count", count);
        return new Answer(200, body);
    }

    private Answer intake(String method, List<String> segments) {
        if (segments.size() == 1) {
            return method.equals("GET") ? intakeState(pause.state()) : methodNotAllowed("GET");
        }
        if (segments.size() == 2 && (segments.get(1).equals("pause") || segments.get(1).equals("resume"))) {
            if (!method.equals("POST")) {
                return methodNotAllowed("POST");
            }
            return intakeState(segments.get(1).equals("pause") ? pause.pause() : pause.resume());
        }
        return notFound("no such endpoint");
    }

    private static Answer intakeState(IntakePause.State state) {
        ObjectNode body = JSON.createObjectNode();
        body.put("intake", state.word());
        if (state.since() != null) {
            body.put("pausedSince", state.since());
        }
        return new Answer(200, body);
    }

    private static Answer done(String what, List<String> ids) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode array = body.putArray(what);
        ids.forEach(array::add);
        body.put("count", ids.size());
        return new Answer(200, body);
    }

    static Answer error(int status, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", message);
        return new Answer(status, body);
    }

    private static Answer notFound(String message) {
        return error(404, message);
    }

    private static Answer badRequest(String message) {
        return error(400, message);
    }

    private static Answer methodNotAllowed(String allowed) {
        return error(405, "method not allowed here; use " + allowed);
    }
}
