package org.zkbank.customer;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.zkbank.account.CommitResult;
import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositSettings;
import org.zkbank.support.InProcessZooKeeper;
import org.zkbank.support.RealZooKeeper;
import org.zkbank.support.ZooKeeperProxy;
import org.zkbank.support.ZooKeeperTestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bank workload under faults, on real servers: customers keep operating with no
 * pauses through each fault, make progress again afterwards, and
 * {@link CustomerRun#verify} checks that nothing was created, lost, applied twice or left
 * negative. Each test prints its figures.
 */
class CustomerFaultTests {

	private static final List<String> CUSTOMERS = List.of("Alice", "Bob", "Chuck");

	private static final Duration PROGRESS = Duration.ofSeconds(60);

	private static final int SESSION_TIMEOUT_MS = 3_000;

	/**
	 * A standalone server with 200 ms ticks (sessions of 0.4 to 4 s), and clients with
	 * sessions of 3 s, so that expiry and partitions take seconds, not minutes. The
	 * ensemble test leaves the server alone and starts three of its own.
	 */
	@RegisterExtension
	final RealZooKeeper zk = RealZooKeeper.perTest().sessionTimeout(SESSION_TIMEOUT_MS);

	private final DepositSettings bank = ZooKeeperTestClients.properties("/bank_deposit");

	/**
	 * Up to 5 ms between operations: a fast pace at which a customer behind a slower link
	 * still gets turns.
	 */
	private final CustomerRun run = new CustomerRun(this.bank, Duration.ofMillis(5));

	@AfterEach
	void stopTheCustomers() throws Exception {
		this.run.close();
	}

	@Test
	void standaloneServerRestartInTheMiddleOfCommits() throws Exception {
		InProcessZooKeeper server = this.zk.server();
		startCustomers(server.connectString());
		this.run.awaitCommits(100, PROGRESS);

		server.stop();
		Thread.sleep(2_000);
		server.restart();

		this.run.awaitEachCommits(CUSTOMERS, PROGRESS);
		this.run.verify("server restart", audit(server.connectString()), Set.of(), logs(server));
	}

	@Test
	void sessionExpiryOfOneCustomerMidOperation() throws Exception {
		InProcessZooKeeper server = this.zk.server();
		List<CustomerRun.Running> customers = startCustomers(server.connectString());
		this.run.awaitCommits(100, PROGRESS);

		for (int expiry = 0; expiry < 5; expiry++) {
			customers.get(0).client().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
			this.run.awaitEachCommits(List.of("Alice"), PROGRESS);
		}

		this.run.verify("session expiry", audit(server.connectString()), Set.of(), logs(server));
	}

	@Test
	void ensembleLosesItsLeaderThenAFollowerThenItsQuorum() throws Exception {
		TestingCluster cluster = new TestingCluster(
				IntStream.rangeClosed(1, 3).mapToObj(CustomerFaultTests::spec).toList());
		this.zk.closeAfterTest(cluster);
		cluster.start();
		startCustomers(cluster.getConnectString());
		this.run.awaitCommits(100, PROGRESS);

		InstanceSpec leader = leader(cluster);
		cluster.killServer(leader);
		this.run.awaitEachCommits(CUSTOMERS, PROGRESS);
		cluster.restartServer(leader);

		InstanceSpec follower = followers(cluster).get(0);
		cluster.killServer(follower);
		this.run.awaitEachCommits(CUSTOMERS, PROGRESS);
		cluster.restartServer(follower);

		List<InstanceSpec> quorum = followers(cluster);
		quorum.add(leader(cluster));
		cluster.killServer(quorum.get(0));
		cluster.killServer(quorum.get(1));
		Thread.sleep(3_000);
		cluster.restartServer(quorum.get(0));
		cluster.restartServer(quorum.get(1));

		this.run.awaitEachCommits(CUSTOMERS, PROGRESS);
		this.run.verify("ensemble failover", audit(cluster.getConnectString()), Set.of(),
				cluster.getInstances().stream().map(InstanceSpec::getDataDirectory).toList());
	}

	@Test
	void partitionOfOneCustomerLongEnoughForItsSessionToExpire() throws Exception {
		InProcessZooKeeper server = this.zk.server();
		ZooKeeperProxy partition = this.zk.proxy();
		this.run.start("Alice", this.zk.connectBehindProxy());
		this.run.start("Bob", this.zk.connect());
		this.run.start("Chuck", this.zk.connect());
		this.run.awaitCommits(100, PROGRESS);

		partition.stall();
		this.run.awaitEachCommits(List.of("Bob", "Chuck"), PROGRESS);
		Thread.sleep(6_000); // twice the session timeout
		partition.heal();

		this.run.awaitEachCommits(CUSTOMERS, PROGRESS);
		this.run.verify("partition", audit(server.connectString()), Set.of(), logs(server));
	}

	@Test
	void customerKilledMidCommitThenRestartedUnderTheSameName() throws Exception {
		InProcessZooKeeper server = this.zk.server();
		ZooKeeperProxy link = this.zk.proxy();
		CustomerRun.Running victim = this.run.start("Alice", this.zk.connectBehindProxy());
		this.run.awaitCommits(50, PROGRESS);

		// Alone, Alice's commits never conflict: the server applies this one, she never
		// hears of it.
		link.loseNextCommitReply(true);
		assertThat(link.awaitFault(PROGRESS)).isTrue();
		victim.kill();
		link.heal();
		startCustomers(server.connectString());

		this.run.awaitEachCommits(CUSTOMERS, PROGRESS);
		assertThat(this.run.verify("killed mid-commit", audit(server.connectString()), Set.of("Alice"), logs(server)))
			.isEqualTo(1);
	}

	@Test
	void theCustomerNextInLineIsKilledWhileItWaitsAndTheOthersKeepCommitting() throws Exception {
		InProcessZooKeeper server = this.zk.server();
		ZooKeeperProxy link = this.zk.proxy();
		try (CustomerRun noPauses = new CustomerRun(this.bank, Duration.ZERO)) {
			CustomerRun.Running victim = noPauses.start("Alice", this.zk.connectBehindProxy());
			noPauses.start("Bob", this.zk.connect());
			noPauses.start("Chuck", this.zk.connect());
			noPauses.awaitCommits(300, PROGRESS);

			// Alice waits first in line, the one the holder hands the turn to next, when
			// her process dies: her connection closes, and her session and her place in
			// line live on until it expires
			long session = victim.client().getZookeeperClient().getZooKeeper().getSessionId();
			String place = null;
			for (int attempt = 0; place == null; attempt++) {
				assertThat(attempt).as("tries to find Alice waiting first in line").isLessThan(20);
				String first = await().atMost(PROGRESS)
					.pollInterval(Duration.ofMillis(1))
					.until(() -> firstInLine(session), Objects::nonNull);
				link.cut();
				if (placeExists(first)) {
					// not handed the turn yet: she died waiting
					place = first;
				}
				else {
					link.heal();
					noPauses.awaitEachCommits(List.of("Alice"), PROGRESS);
				}
			}
			long killed = System.nanoTime();
			noPauses.awaitEachCommits(List.of("Bob", "Chuck"), Duration.ofMillis(SESSION_TIMEOUT_MS));
			long resumed = System.nanoTime() - killed;
			noPauses.awaitCommits(200, PROGRESS);
			victim.kill();

			assertThat(Duration.ofNanos(resumed)).isLessThan(Duration.ofMillis(SESSION_TIMEOUT_MS));
			System.out.printf(
					"fault test [next in line killed]: Bob and Chuck each committed %d ms after Alice died "
							+ "waiting first in line (session timeout %d ms)%n",
					TimeUnit.NANOSECONDS.toMillis(resumed), SESSION_TIMEOUT_MS);
			noPauses.verify("next in line killed", audit(server.connectString()), Set.of(), logs(server));
		}
	}

	@Test
	void twoInstancesUnderOneCustomerNameAtOnce() throws Exception {
		InProcessZooKeeper server = this.zk.server();
		startCustomers(server.connectString());
		this.run.start("Alice", this.zk.connect());

		this.run.awaitCommits(600, PROGRESS);

		this.run.verify("two Alices", audit(server.connectString()), Set.of(), logs(server));
	}

	@Test
	void sixteenCustomersWithNoPausesAllMakeProgress() throws Exception {
		InProcessZooKeeper server = this.zk.server();
		List<String> names = IntStream.range(0, 16).mapToObj((i) -> "Customer" + i).toList();
		try (CustomerRun noPauses = new CustomerRun(this.bank, Duration.ZERO)) {
			for (String name : names) {
				noPauses.start(name, this.zk.connect());
			}

			noPauses.awaitCommits(2_000, PROGRESS);
			noPauses.awaitEachCommits(names, PROGRESS);

			noPauses.verify("16 customers, no pauses", audit(server.connectString()), Set.of(), logs(server));
			Map<String, Long> commits = noPauses.commitsByCustomer();
			double fairShare = commits.values().stream().mapToLong(Long::longValue).sum() / 16.0;
			long worst = commits.values().stream().mapToLong(Long::longValue).min().orElse(0);
			int maxAttempts = noPauses.results()
				.stream()
				.mapToInt((result) -> result.stats().attempts())
				.max()
				.orElse(0);
			System.out.printf("fault test [16 customers, no pauses]: worst customer %d commits = %.2f of a fair "
					+ "share, max %d attempts for one operation%n", worst, worst / fairShare, maxAttempts);
			assertThat(commits).hasSize(16);
		}
	}

	private List<CustomerRun.Running> startCustomers(String connectString) throws InterruptedException {
		List<CustomerRun.Running> customers = new ArrayList<>();
		for (String name : CUSTOMERS) {
			customers.add(this.run.start(name, this.zk.clients().connect(connectString)));
		}
		return customers;
	}

	/**
	 * The place first in line for a turn if the given session holds it, else
	 * {@code null}.
	 */
	private String firstInLine(long session) throws Exception {
		CuratorFramework zkCli = this.zk.zkCli();
		String turns = this.bank.deposit().turnsPath();
		if (zkCli.checkExists().forPath(turns) == null) {
			return null;
		}
		// a place is named <instance>-<sequence>: the lowest sequence is first
		String first = zkCli.getChildren()
			.forPath(turns)
			.stream()
			.min(Comparator.comparing((String place) -> place.substring(place.length() - 10)))
			.orElse(null);
		Stat stat = (first != null) ? zkCli.checkExists().forPath(turns + "/" + first) : null;
		return (stat != null && stat.getEphemeralOwner() == session) ? first : null;
	}

	private boolean placeExists(String place) throws Exception {
		return this.zk.zkCli().checkExists().forPath(this.bank.deposit().turnsPath() + "/" + place) != null;
	}

	/** Where the server's transaction log is, for the oracle. */
	private static List<File> logs(InProcessZooKeeper server) {
		return List.of(server.dataDirectory());
	}

	private DepositAudit audit(String connectString) throws InterruptedException {
		return new DepositAudit(this.zk.clients().connect(connectString), this.bank);
	}

	/**
	 * A server of the ensemble with 200 ms ticks (sessions of 0.4 to 4 s) that answers
	 * {@code srvr}.
	 */
	private static InstanceSpec spec(int id) {
		return new InstanceSpec(null, -1, -1, -1, true, id, 200, -1, Map.of("4lw.commands.whitelist", "srvr"));
	}

	private static InstanceSpec leader(TestingCluster cluster) throws IOException {
		for (InstanceSpec spec : cluster.getInstances()) {
			if ("leader".equals(mode(spec))) {
				return spec;
			}
		}
		throw new IllegalStateException("no leader");
	}

	private static List<InstanceSpec> followers(TestingCluster cluster) throws IOException {
		List<InstanceSpec> followers = new ArrayList<>();
		Collection<InstanceSpec> instances = cluster.getInstances();
		for (InstanceSpec spec : instances) {
			if ("follower".equals(mode(spec))) {
				followers.add(spec);
			}
		}
		return followers;
	}

	/**
	 * The server's role from the {@code srvr} four-letter word, or {@code null} while it
	 * has none.
	 */
	private static String mode(InstanceSpec spec) throws IOException {
		for (int attempt = 0; attempt < 50; attempt++) {
			try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), spec.getPort())) {
				OutputStream out = socket.getOutputStream();
				out.write("srvr".getBytes(StandardCharsets.US_ASCII));
				out.flush();
				BufferedReader in = new BufferedReader(
						new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
				for (String line = in.readLine(); line != null; line = in.readLine()) {
					if (line.startsWith("Mode: ")) {
						return line.substring("Mode: ".length()).strip();
					}
				}
			}
			catch (IOException ex) {
				// not serving yet
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException(ex);
			}
		}
		return null;
	}

}
