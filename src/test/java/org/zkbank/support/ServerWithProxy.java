package org.zkbank.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.zkbank.account.AuditReport;
import org.zkbank.account.CommitResult;
import org.zkbank.account.DepositAccount;
import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositSettings;
import org.zkbank.account.RetryProperties;
import org.zkbank.account.StopSignal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test's real ZooKeeper: an {@link InProcessZooKeeper} with a {@link ZooKeeperProxy} in front
 * of it and a plain client (as zkCli would use) on it, started before each test and closed after
 * it, with every client the test made, and the history of results a test records for the
 * transaction-log check. Register it with {@code @RegisterExtension}.
 */
public final class ServerWithProxy implements BeforeEachCallback, AfterEachCallback {

	private final ZooKeeperTestClients clients;

	private InProcessZooKeeper server;

	private ZooKeeperProxy proxy;

	private CuratorFramework zkCli;

	private final List<CommitResult> history = Collections.synchronizedList(new ArrayList<>());

	/** Clients with a 15 s session timeout. */
	public ServerWithProxy() {
		this.clients = new ZooKeeperTestClients();
	}

	/** Clients with this session timeout. */
	public ServerWithProxy(int sessionTimeoutMs) {
		this.clients = new ZooKeeperTestClients(sessionTimeoutMs);
	}

	/** Settings on {@code /bank_deposit} with short backoffs and the given operation timeout. */
	public static DepositSettings properties(Duration operationTimeout) {
		DepositSettings defaults = ZooKeeperTestClients.properties("/bank_deposit");
		RetryProperties retry = defaults.retry();
		return new DepositSettings(defaults.deposit(),
				new RetryProperties(retry.initialBackoff(), retry.maxBackoff(), operationTimeout), defaults.auth());
	}

	@Override
	public void beforeEach(ExtensionContext context) throws Exception {
		this.server = new InProcessZooKeeper();
		this.proxy = new ZooKeeperProxy(this.server.port());
		this.zkCli = this.clients.connect(this.server.connectString());
		this.history.clear();
	}

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		this.clients.close();
		this.proxy.close();
		this.server.close();
	}

	public InProcessZooKeeper server() {
		return this.server;
	}

	public ZooKeeperProxy proxy() {
		return this.proxy;
	}

	/** A client of the test's own, as an operator with zkCli would be. */
	public CuratorFramework zkCli() {
		return this.zkCli;
	}

	public ZooKeeperTestClients clients() {
		return this.clients;
	}

	/** Keeps a result for {@link #verify}. */
	public CommitResult record(CommitResult result) {
		this.history.add(result);
		return result;
	}

	/**
	 * Checks that the audit is conserved and that the {@link TransactionLogOracle} finds every
	 * recorded result in the server's transaction log as it says.
	 */
	public AuditReport verify(DepositSettings properties) {
		AuditReport report = new DepositAudit(this.zkCli, properties).report();
		assertThat(report.conserved()).as(report.toString()).isTrue();
		System.out.println(new TransactionLogOracle(properties, List.of(this.server.dataDirectory()))
			.check(this.history, report, 0));
		return report;
	}

	/** A customer instance with a session of its own, straight to the server. */
	public DepositAccount account(DepositSettings properties, String customer) throws InterruptedException {
		return new DepositAccount(this.clients.connect(this.server.connectString()), properties, customer,
				new StopSignal());
	}

	/** A customer instance with a session of its own, through the proxy. */
	public DepositAccount behindProxy(DepositSettings properties, String customer) throws InterruptedException {
		return new DepositAccount(this.clients.connect(this.proxy.connectString()), properties, customer,
				new StopSignal());
	}

}
