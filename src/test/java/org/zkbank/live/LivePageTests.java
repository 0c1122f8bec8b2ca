package org.zkbank.live;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import org.zkbank.BankApplication;
import org.zkbank.account.CommitResult;
import org.zkbank.account.DepositAccount;
import org.zkbank.account.DepositSettings;
import org.zkbank.account.Operation;
import org.zkbank.account.Snapshot;
import org.zkbank.account.StopSignal;
import org.zkbank.support.RealZooKeeper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live page of one instance against a real ZooKeeper, while a customer of another
 * session (Dave, as another process would) commits: what the event stream carries, how
 * often, and what it keeps when ZooKeeper goes away. The instance's own customer, Alice,
 * operates only where a test says so.
 */
class LivePageTests {

	/**
	 * Ticks of 3 s, as curator-test's server has: the sessions of 15 s outlive a restart.
	 */
	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest().tickTime(3_000);

	private final HttpClient http = HttpClient.newHttpClient();

	private final StopSignal stop = new StopSignal();

	private ConfigurableApplicationContext app;

	private DepositAccount dave;

	@BeforeEach
	void start() throws Exception {
		start("--bank.customers.pace.interval-min=1h", "--bank.customers.pace.interval-max=1h");
	}

	/** Alice's instance with the given settings, and Dave on a session of his own. */
	private void start(String... settings) throws Exception {
		List<String> args = new ArrayList<>(List.of("--spring.profiles.active=alice", "--server.port=0",
				"--spring.cloud.zookeeper.connect-string=" + this.zk.server().connectString()));
		args.addAll(List.of(settings));
		this.app = new SpringApplicationBuilder(BankApplication.class, SmallSendBuffers.class)
			.run(args.toArray(String[]::new));
		this.dave = new DepositAccount(this.zk.connect(), this.app.getBean(DepositSettings.class), "Dave", this.stop);
	}

	@AfterEach
	void tearDown() {
		this.stop.stop();
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void streamsTheCommitsOfAnotherSessionAndTheAuditAndCatchesAForeignWrite() throws Exception {
		BlockingQueue<String> states = subscribe();

		Snapshot opened = this.dave.read(); // starts the audit
		next(states, (state) -> at(state, "$.deposit.audit.version") != null);
		CommitResult result = this.dave.commit(Operation.deposit(new BigDecimal("12.34")), opened);
		assertThat(result.single().committed()).isTrue();

		String seen = next(states,
				(state) -> !JsonPath
					.<List<Object>>read(state,
							"$.deposit.commits[?(@.customer == 'Dave' && @.to == " + result.version() + ")]")
					.isEmpty() && Boolean.TRUE.equals(at(state, "$.deposit.audit.conserved")));
		assertThat(JsonPath.<String>read(seen, "$.deposit.commits[0].net")).isEqualTo("12.34");
		assertThat(JsonPath.<String>read(seen, "$.deposit.commits[0].balance")).isEqualTo("1012.34");
		assertThat(JsonPath.<String>read(seen, "$.deposit.audit.customers.Dave.deposited")).isEqualTo("12.34");
		assertThat(JsonPath.<List<String>>read(seen, "$.deposit.points[-1:].customer")).containsExactly("Dave");
		assertThat(JsonPath.<Boolean>read(seen, "$.connected")).isTrue();

		this.zk.zkCli().setData().forPath("/bank_deposit", "5".getBytes(StandardCharsets.UTF_8));

		String caught = next(states, (state) -> Boolean.FALSE.equals(at(state, "$.deposit.audit.conserved")));
		assertThat(JsonPath.<Integer>read(caught, "$.deposit.audit.unexplainedWrites")).isEqualTo(1);
		assertThat(JsonPath.<List<String>>read(caught, "$.deposit.points[-1:].kind")).containsExactly("UNEXPLAINED");
		assertThat(JsonPath.<String>read(caught, "$.deposit.commits[0].kind")).isEqualTo("UNEXPLAINED");
	}

	@Test
	void showsTheConfiguredDepositAndTheContentionOfThisInstancesCustomer() throws Exception {
		this.app.close();
		start("--bank.deposit.path=/live_deposit", "--bank.customers.pace.interval-min=0s",
				"--bank.customers.pace.interval-max=50ms", "--bank.customers.pace.think-min=0s",
				"--bank.customers.pace.think-max=0s");
		BlockingQueue<String> states = subscribe();

		String seen = next(states,
				(state) -> JsonPath
					.<List<Integer>>read(state, "$.contention[?(@.customer == 'Alice')].outcomes.committed")
					.stream()
					.anyMatch((committed) -> committed > 0));
		assertThat(JsonPath.<String>read(seen, "$.path")).isEqualTo("/live_deposit");
		assertThat(JsonPath.<List<String>>read(seen, "$.contention[*].customer")).containsExactly("Alice");
		assertThat(JsonPath.<Map<String, Integer>>read(seen, "$.contention[0].outcomes")).containsOnlyKeys("committed",
				"rejected", "failed", "unknown");
		assertThat(JsonPath.<Integer>read(seen, "$.contention[0].conflicts")).isNotNegative();
		assertThat(JsonPath.<Integer>read(seen, "$.contention[0].retries")).isNotNegative();
	}

	@Test
	void coalescesUpdatesToAboutTenASecondWhateverTheCommitRate() throws Exception {
		BlockingQueue<String> states = subscribe();
		next(states, (state) -> true);
		states.clear();

		long started = System.nanoTime();
		int commits = 0;
		Snapshot snapshot = this.dave.read();
		CommitResult last = null;
		while (System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3)) {
			last = this.dave.commit(Operation.deposit(new BigDecimal("1.00")), snapshot);
			snapshot = last.snapshot();
			commits++;
		}
		int received = states.size();

		assertThat(commits).isGreaterThan(150); // far more changes than updates
		assertThat(received).isBetween(5, 3 * 10 + 3);
		int version = last.version();
		next(states, (state) -> JsonPath.<List<Integer>>read(state, "$.deposit.points[-1:].version").contains(version));
	}

	@Test
	void keepsItsLastDataAndSaysSoWhileZooKeeperIsUnreachable() throws Exception {
		BlockingQueue<String> states = subscribe();
		Snapshot opened = this.dave.read();
		next(states, (state) -> at(state, "$.deposit.audit.version") != null);
		CommitResult result = this.dave.commit(Operation.deposit(new BigDecimal("1.00")), opened);
		next(states, (state) -> JsonPath.<List<Integer>>read(state, "$.deposit.points[-1:].version")
			.contains(result.version()));

		this.zk.server().stop();

		String away = next(states, (state) -> Boolean.FALSE.equals(JsonPath.read(state, "$.connected")));
		assertThat(JsonPath.<List<Integer>>read(away, "$.deposit.points[-1:].version"))
			.containsExactly(result.version());
		assertThat(JsonPath.<Boolean>read(away, "$.deposit.audit.conserved")).isTrue();
		assertThat(JsonPath.<List<String>>read(away, "$.deposit.commits[*].customer")).contains("Dave");

		this.zk.server().restart();
		next(states, (state) -> Boolean.TRUE.equals(JsonPath.read(state, "$.connected")));
	}

	@Test
	void aPageThatStopsReadingHoldsUpNoOtherAndIsDroppedOnceGone() throws Exception {
		long sendingThreads = sendingThreads();
		BlockingQueue<String> states = subscribe();
		LiveStream stream = this.app.getBean(LiveStream.class);
		Snapshot snapshot = this.dave.read();
		try (Socket stalled = new Socket()) {
			// with the server's small send buffers, its writes to it block soon
			stalled.setReceiveBufferSize(2048);
			stalled.connect(new InetSocketAddress("127.0.0.1", uri("/").getPort()));
			stalled.getOutputStream()
				.write("GET /live/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
					.getBytes(StandardCharsets.US_ASCII)); // and never reads
			long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
			int before = 0;
			while (System.nanoTime() < until) {
				snapshot = this.dave.commit(Operation.deposit(new BigDecimal("1.00")), snapshot).snapshot();
				if (before == 0 && until - System.nanoTime() < TimeUnit.SECONDS.toNanos(3)) {
					// the last 3 s, when the stalled page's buffers are full
					before = states.size();
				}
			}
			// about 10 a second still reach the reading page
			assertThat(states.size() - before).isGreaterThan(15);
			assertThat(stream.viewers()).isEqualTo(2);
			// one thread blocked on the stalled page
			assertThat(sendingThreads()).isEqualTo(sendingThreads + 1);
		}
		// the commits go on; the next write to the closed page fails, and it is dropped
		long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (stream.viewers() > 1 && System.nanoTime() < until) {
			snapshot = this.dave.commit(Operation.deposit(new BigDecimal("1.00")), snapshot).snapshot();
		}
		assertThat(stream.viewers()).isEqualTo(1);
	}

	@Test
	void servesThePageAndItsChartLibraryFromTheJar() throws Exception {
		HttpResponse<String> page = get("/");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/html"));
		assertThat(page.body()).contains("webjars/uplot/dist/uPlot.iife.min.js", "live/events")
			.doesNotContain("/bank_deposit"); // the path comes with the state
		HttpResponse<String> library = get("/webjars/uplot/dist/uPlot.iife.min.js");
		assertThat(library.statusCode()).isEqualTo(200);
		assertThat(library.body()).contains("uPlot");
		assertThat(get("/webjars/uplot/dist/uPlot.min.css").statusCode()).isEqualTo(200);
	}

	/** Threads writing to a page's socket now. */
	private static long sendingThreads() {
		return Thread.getAllStackTraces()
			.entrySet()
			.stream()
			.filter((thread) -> thread.getKey().getName().equals("live-send") && Stream.of(thread.getValue())
				.anyMatch((frame) -> frame.getClassName().startsWith("org.apache.tomcat")
						&& frame.getMethodName().toLowerCase(Locale.ROOT).contains("write")))
			.count();
	}

	/**
	 * Small socket send buffers, so that a page that does not read blocks the server's
	 * writes within seconds.
	 */
	@Configuration(proxyBeanMethods = false)
	static class SmallSendBuffers {

		@Bean
		WebServerFactoryCustomizer<TomcatServletWebServerFactory> smallSendBuffers() {
			return (factory) -> factory
				.addConnectorCustomizers((connector) -> connector.setProperty("socket.txBufSize", "8192"));
		}

	}

	/**
	 * Opens the page's event stream; each state it sends is put in the returned queue as
	 * it comes.
	 */
	private BlockingQueue<String> subscribe() throws Exception {
		HttpResponse<Stream<String>> response = this.http.send(
				HttpRequest.newBuilder(uri("/live/events")).header("Accept", "text/event-stream").build(),
				HttpResponse.BodyHandlers.ofLines());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/event-stream"));
		BlockingQueue<String> states = new LinkedBlockingQueue<>();
		CompletableFuture.runAsync(() -> response.body()
			.filter((line) -> line.startsWith("data:"))
			.forEach((line) -> states.add(line.substring(5))));
		return states;
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		int port = ((WebServerApplicationContext) this.app).getWebServer().getPort();
		return URI.create("http://localhost:" + port + path);
	}

	/**
	 * The value at a path of a state, {@code null} where the state has none (no audit
	 * yet).
	 */
	private static Object at(String state, String path) {
		try {
			return JsonPath.read(state, path);
		}
		catch (PathNotFoundException ex) {
			return null;
		}
	}

	/** The first state that matches, waiting up to 30 s. */
	private static String next(BlockingQueue<String> states, Predicate<String> wanted) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (System.nanoTime() < deadline) {
			String state = states.poll(100, TimeUnit.MILLISECONDS);
			if (state != null && wanted.test(state)) {
				return state;
			}
		}
		throw new AssertionError("no such state within 30 s");
	}

}
