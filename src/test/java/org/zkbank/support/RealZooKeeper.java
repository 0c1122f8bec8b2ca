package org.zkbank.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.zkbank.account.AuditReport;
import org.zkbank.account.CommitResult;
import org.zkbank.account.DepositAccount;
import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositSettings;
import org.zkbank.account.OperationResult;
import org.zkbank.account.RetryProperties;
import org.zkbank.account.StopSignal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real ZooKeeper for the tests of a class: an {@link InProcessZooKeeper}, a plain
 * client on it (as an operator's zkCli), a {@link ZooKeeperProxy} in front of it once a
 * test asks for one, every client a test opens, and the results a test records for the
 * check against the transaction log. The clients, the proxy and what a test hands to
 * {@link #closeAfterTest} are closed after each test; the server after each test
 * ({@link #perTest()}) or after the class ({@link #perClass()}). Register it with
 * {@code @RegisterExtension}.
 */
public final class RealZooKeeper implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

	private final boolean perClass;

	private int tickTime = 200;

	private ZooKeeperTestClients clients = new ZooKeeperTestClients();

	private InProcessZooKeeper server;

	private ZooKeeperProxy proxy;

	private CuratorFramework zkCli;

	private final List<AutoCloseable> closeAfterTest = new ArrayList<>();

	private final List<CommitResult> history = Collections.synchronizedList(new ArrayList<>());

	private RealZooKeeper(boolean perClass) {
		this.perClass = perClass;
	}

	/** A server of each test's own. */
	public static RealZooKeeper perTest() {
		return new RealZooKeeper(false);
	}

	/**
	 * One server for all the tests of the class, in a {@code static} field; the rest is
	 * each test's own.
	 */
	public static RealZooKeeper perClass() {
		return new RealZooKeeper(true);
	}

	/**
	 * Clients that ask for sessions of this length (15 s unless set; the server grants 2
	 * to 20 ticks).
	 */
	public RealZooKeeper sessionTimeout(int sessionTimeoutMs) {
		this.clients = new ZooKeeperTestClients(sessionTimeoutMs);
		return this;
	}

	/** A server with ticks of this length (200 ms unless set: sessions of 0.4 to 4 s). */
	public RealZooKeeper tickTime(int tickTimeMs) {
		this.tickTime = tickTimeMs;
		return this;
	}

	/**
	 * Settings on {@code /bank_deposit} with short backoffs and the given operation
	 * timeout.
	 */
	public static DepositSettings properties(Duration operationTimeout) {
		DepositSettings defaults = ZooKeeperTestClients.properties("/bank_deposit");
		RetryProperties retry = defaults.retry();
		return new DepositSettings(defaults.deposit(),
				new RetryProperties(retry.initialBackoff(), retry.maxBackoff(), operationTimeout), defaults.auth());
	}

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		if (this.perClass) {
			this.server = new InProcessZooKeeper(this.tickTime);
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) throws Exception {
		if (!this.perClass) {
			this.server = new InProcessZooKeeper(this.tickTime);
		}
		else if (this.server == null) {
			throw new ExtensionConfigurationException("RealZooKeeper.perClass() belongs in a static field");
		}
		this.history.clear();
		this.zkCli = this.clients.connect(this.server.connectString());
	}

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		List<AutoCloseable> resources = new ArrayList<>();
		resources.add(this.clients);
		resources.addAll(this.closeAfterTest);
		this.closeAfterTest.clear();
		synchronized (this) {
			resources.add(this.proxy);
			this.proxy = null;
		}
		if (!this.perClass) {
			resources.add(this.server);
		}
		closeAll(resources);
	}

	@Override
	public void afterAll(ExtensionContext context) throws Exception {
		if (this.perClass && this.server != null) {
			this.server.close();
		}
	}

	/**
	 * Closes each in order, all of them even if one fails, and then throws the first
	 * failure.
	 */
	private static void closeAll(List<AutoCloseable> resources) throws Exception {
		Exception failure = null;
		for (AutoCloseable resource : resources) {
			try {
				if (resource != null) {
					resource.close();
				}
			}
			catch (Exception ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	/** The server: a test may stop and restart it, or set a node's version. */
	public InProcessZooKeeper server() {
		return this.server;
	}

	/**
	 * A proxy in front of the server, made on the first call of a test; the same one
	 * after that.
	 */
	public synchronized ZooKeeperProxy proxy() {
		if (this.proxy == null) {
			try {
				this.proxy = new ZooKeeperProxy(this.server.port());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return this.proxy;
	}

	/** A client of the test's own, as an operator with zkCli would be. */
	public CuratorFramework zkCli() {
		return this.zkCli;
	}

	/**
	 * Where a test opens other clients: with other credentials, or to a server not up
	 * yet.
	 */
	public ZooKeeperTestClients clients() {
		return this.clients;
	}

	/** A new connected session, straight to the server. */
	public CuratorFramework connect() throws InterruptedException {
		return this.clients.connect(this.server.connectString());
	}

	/**
	 * A new connected session, straight to the server, with ZooKeeper digest credentials.
	 */
	public CuratorFramework connectAs(String username, String password) throws InterruptedException {
		return this.clients.connectAs(this.server.connectString(), username, password);
	}

	/** A new connected session, through the proxy. */
	public CuratorFramework connectBehindProxy() throws InterruptedException {
		return this.clients.connect(proxy().connectString());
	}

	/** Closes this after the test, after its clients, before the proxy and the server. */
	public <T extends AutoCloseable> T closeAfterTest(T resource) {
		this.closeAfterTest.add(resource);
		return resource;
	}

	/** Keeps a result for {@link #verify} and {@link #checkLog}. */
	public CommitResult record(CommitResult result) {
		this.history.add(result);
		return result;
	}

	/** The results this test recorded. */
	public List<CommitResult> history() {
		return this.history;
	}

	/** The oracle on this server's transaction log. */
	public TransactionLogOracle oracle(DepositSettings properties) {
		return new TransactionLogOracle(properties, List.of(this.server.dataDirectory()));
	}

	/**
	 * Checks that the {@link TransactionLogOracle} finds every recorded result in the
	 * server's transaction log as it says, and that the log ends at the audit's balance;
	 * prints its verdict.
	 */
	public TransactionLogOracle.Verdict checkLog(DepositSettings properties) {
		return checkLog(properties, new DepositAudit(this.zkCli, properties).report());
	}

	/**
	 * Checks that the audit is conserved, then {@link #checkLog checks the log} against
	 * it.
	 */
	public AuditReport verify(DepositSettings properties) {
		AuditReport report = new DepositAudit(this.zkCli, properties).report();
		assertThat(report.conserved()).as(report.toString()).isTrue();
		checkLog(properties, report);
		return report;
	}

	/**
	 * Checks that a deposit applied before its reply was lost was not applied again: the
	 * balance is at most {@code atMost}. Prints the lost commit's result and the balance.
	 */
	public void assertNotAppliedTwice(DepositSettings properties, CommitResult lost, String atMost) throws Exception {
		OperationResult deposit = lost.single();
		String balance = new String(this.zkCli.getData().forPath(properties.deposit().path()), StandardCharsets.UTF_8);
		System.out.println("lost one " + deposit.outcome() + " (" + deposit.reason() + ") attempts "
				+ lost.stats().attempts() + ", balance " + balance);
		assertThat(new BigDecimal(balance))
			.as("the deposit of %s was applied before its reply was lost and must not be applied again "
					+ "(outcome %s, attempts %d)", deposit.operation().amount(), deposit.outcome(),
					lost.stats().attempts())
			.isLessThanOrEqualTo(new BigDecimal(atMost));
	}

	private TransactionLogOracle.Verdict checkLog(DepositSettings properties, AuditReport report) {
		TransactionLogOracle.Verdict verdict = oracle(properties).check(this.history, report, 0);
		System.out.println(verdict);
		return verdict;
	}

	/** A customer instance with a session of its own, straight to the server. */
	public DepositAccount account(DepositSettings properties, String customer) throws InterruptedException {
		return new DepositAccount(connect(), properties, customer, new StopSignal());
	}

	/** A customer instance with a session of its own, through the proxy. */
	public DepositAccount behindProxy(DepositSettings properties, String customer) throws InterruptedException {
		return new DepositAccount(connectBehindProxy(), properties, customer, new StopSignal());
	}

}
