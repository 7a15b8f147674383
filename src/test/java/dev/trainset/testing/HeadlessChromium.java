package dev.trainset.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainset.model.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's {@code chromium}, headless, driven through the DevTools protocol over a WebSocket
 * (the JDK's own client): opens a page, records every request the page made and every console
 * message, error and log entry, evaluates script in the page and takes a full-page screenshot.
 * Started without background networking, component updates, sync or first-run tasks, so the only
 * requests are the page's own.
 */
public final class HeadlessChromium implements AutoCloseable {
  /** Where Debian's package puts the browser. */
  public static final Path EXECUTABLE = Path.of("/usr/bin/chromium");

  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<JsonNode> events = new CopyOnWriteArrayList<>();

  /** What a page did while it loaded: the URLs it asked for, and its errors. */
  public record Loaded(List<String> requests, List<String> errors) {}

  private HeadlessChromium(Process process, WebSocket socket) {
    this.process = process;
    this.socket = socket;
  }

  /** Starts the browser with a fresh profile in {@code profile}, on a blank page. */
  public static HeadlessChromium start(Path profile) throws Exception {
    Process process = new ProcessBuilder(EXECUTABLE.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-default-apps", "--mute-audio",
        "--user-data-dir=" + profile, "--remote-debugging-port=0", "--window-size=1000,900",
        "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    CompletableFuture<String> browserUrl = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader err = new BufferedReader(
          new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line = err.readLine(); line != null; line = err.readLine()) {
          Matcher listening = LISTENING.matcher(line);
          if (listening.find()) {
            browserUrl.complete(listening.group(1));
          }
        }
      } catch (IOException e) {
        browserUrl.completeExceptionally(e);
      }
      browserUrl.completeExceptionally(new IllegalStateException("chromium exited"));
    });
    reader.setDaemon(true);
    reader.start();
    try {
      URI browser = URI.create(browserUrl.get(60, TimeUnit.SECONDS));
      HttpClient http = HttpClient.newHttpClient();
      URI list = URI.create("http://" + browser.getHost() + ":" + browser.getPort() + "/json/list");
      String page = null;
      for (JsonNode target : Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(list).build(),
          HttpResponse.BodyHandlers.ofString()).body())) {
        if (target.get("type").asText().equals("page")) {
          page = target.get("webSocketDebuggerUrl").asText();
        }
      }
      if (page == null) {
        throw new IllegalStateException("chromium shows no page");
      }
      HeadlessChromium[] self = new HeadlessChromium[1];
      WebSocket socket = http.newWebSocketBuilder()
          .buildAsync(URI.create(page), new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
              text.append(data);
              if (last) {
                self[0].received(text.toString());
                text.setLength(0);
              }
              ws.request(1);
              return null;
            }
          }).get(30, TimeUnit.SECONDS);
      self[0] = new HeadlessChromium(process, socket);
      for (String domain : List.of("Page", "Network", "Runtime", "Log")) {
        self[0].call(domain + ".enable", Json.MAPPER.createObjectNode());
      }
      return self[0];
    } catch (Exception e) {
      process.destroyForcibly();
      throw e;
    }
  }

  private void received(String message) {
    try {
      JsonNode json = Json.MAPPER.readTree(message);
      if (json.has("id")) {
        CompletableFuture<JsonNode> answer = pending.remove(json.get("id").asInt());
        if (answer != null) {
          answer.complete(json);
        }
      } else {
        events.add(json);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Calls a DevTools method and waits for its result. */
  public JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode message = Json.MAPPER.createObjectNode();
    message.put("id", id);
    message.put("method", method);
    message.set("params", params);
    socket.sendText(Json.write(message), true).get(30, TimeUnit.SECONDS);
    JsonNode reply = answer.get(60, TimeUnit.SECONDS);
    if (reply.has("error")) {
      throw new IllegalStateException(method + ": " + reply.get("error"));
    }
    return reply.get("result");
  }

  /**
   * Opens {@code url} and waits for its load event and a moment after it; returns every URL the
   * page requested and every console error, uncaught exception and error log entry.
   */
  public Loaded open(String url) throws Exception {
    events.clear();
    call("Page.navigate", Json.MAPPER.createObjectNode().put("url", url));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (events.stream().noneMatch(e -> e.get("method").asText().equals("Page.loadEventFired"))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no load event for " + url);
      }
      Thread.sleep(50);
    }
    Thread.sleep(1000);
    List<String> requests = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (JsonNode event : events) {
      JsonNode params = event.path("params");
      switch (event.get("method").asText()) {
        case "Network.requestWillBeSent" -> requests.add(params.path("request").path("url").asText());
        case "Runtime.consoleAPICalled" -> {
          String type = params.path("type").asText();
          if (type.equals("error") || type.equals("assert")) {
            errors.add("console." + type + ": " + params.path("args"));
          }
        }
        case "Runtime.exceptionThrown" -> errors.add("exception: " + params.path("exceptionDetails"));
        case "Log.entryAdded" -> {
          if (params.path("entry").path("level").asText().equals("error")) {
            errors.add("log: " + params.path("entry").path("text").asText());
          }
        }
        default -> { }
      }
    }
    return new Loaded(requests, errors);
  }

  /** The value of {@code expression} in the page, as JSON. */
  public JsonNode evaluate(String expression) throws Exception {
    JsonNode result = call("Runtime.evaluate", Json.MAPPER.createObjectNode()
        .put("expression", expression).put("returnByValue", true));
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException(expression + ": " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  /** A PNG of the whole page, at 1000 CSS pixels wide. */
  public void screenshot(Path png) throws Exception {
    JsonNode size = call("Page.getLayoutMetrics", Json.MAPPER.createObjectNode())
        .get("cssContentSize");
    ObjectNode params = Json.MAPPER.createObjectNode().put("format", "png")
        .put("captureBeyondViewport", true);
    params.putObject("clip").put("x", 0).put("y", 0)
        .put("width", Math.max(1000, size.get("width").asDouble()))
        .put("height", size.get("height").asDouble()).put("scale", 1);
    String data = call("Page.captureScreenshot", params).get("data").asText();
    Files.createDirectories(png.getParent());
    Files.write(png, Base64.getDecoder().decode(data));
  }

  @Override
  public void close() {
    try {
      call("Browser.close", Json.MAPPER.createObjectNode());
    } catch (Exception e) {
      // The browser is stopped below either way.
    }
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // The browser is stopped below either way.
    }
    // Chromium's helper processes (zygote, renderer, GPU) may outlive the main one for a moment
    // and still write into the profile: wait for every one, so the profile can be removed.
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(process.toHandle());
    process.destroy();
    try {
      for (ProcessHandle handle : all) {
        try {
          handle.onExit().get(10, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
          handle.destroyForcibly();
          handle.onExit().get(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      all.forEach(ProcessHandle::destroyForcibly);
      Thread.currentThread().interrupt();
    } catch (TimeoutException | ExecutionException e) {
      all.forEach(ProcessHandle::destroyForcibly);
    }
  }
}
