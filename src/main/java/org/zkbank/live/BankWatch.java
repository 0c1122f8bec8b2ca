package org.zkbank.live;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;

import org.zkbank.account.AuditOpening;
import org.zkbank.account.BankProperties;
import org.zkbank.account.CustomerTotals;

/**
 * The one watch of this instance on the deposit: a {@link CuratorCache} on the balance node and
 * one on the audit nodes, feeding the {@link Ledger}. ZooKeeper pushes every change; the caches
 * read each changed node once, whatever the number of pages open. Read-only.
 */
final class BankWatch implements SmartLifecycle, ConnectionStateListener {

	private static final Logger log = LoggerFactory.getLogger(BankWatch.class);

	private static final Pattern PLAIN_DECIMAL = Pattern.compile("[0-9]{1,30}(\\.[0-9]{1,30})?");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final CuratorFramework client;

	private final String depositPath;

	private final String auditPath;

	private final Ledger ledger;

	private volatile String connection = "CONNECTING";

	private CuratorCache deposit;

	private CuratorCache audit;

	private volatile boolean running;

	BankWatch(CuratorFramework client, BankProperties properties, Ledger ledger) {
		this.client = client;
		this.depositPath = properties.depositPath();
		this.auditPath = properties.auditPath();
		this.ledger = ledger;
	}

	/** Whether this instance reaches ZooKeeper now. */
	boolean connected() {
		return this.client.getZookeeperClient().isConnected();
	}

	/** The last connection state Curator reported: CONNECTED, SUSPENDED, LOST, RECONNECTED, or CONNECTING before any. */
	String connection() {
		return this.connection;
	}

	@Override
	public void stateChanged(CuratorFramework client, ConnectionState state) {
		this.connection = state.name();
	}

	@Override
	public void start() {
		this.connection = connected() ? ConnectionState.CONNECTED.name() : "CONNECTING";
		this.client.getConnectionStateListenable().addListener(this);
		this.deposit = CuratorCache.build(this.client, this.depositPath);
		this.deposit.listenable()
			.addListener(CuratorCacheListener.builder()
				.forCreatesAndChanges((before, node) -> balance(node))
				.forDeletes((node) -> {
					if (node.getPath().equals(this.depositPath)) {
						this.ledger.balanceProblem(this.depositPath + " was deleted");
					}
				})
				.build());
		this.audit = CuratorCache.build(this.client, this.auditPath);
		this.audit.listenable()
			.addListener(CuratorCacheListener.builder().forCreatesAndChanges((before, node) -> audit(node)).build());
		this.deposit.start();
		this.audit.start();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.client.getConnectionStateListenable().removeListener(this);
		this.audit.close();
		this.deposit.close();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void balance(ChildData node) {
		if (!node.getPath().equals(this.depositPath)) {
			return;
		}
		String text = (node.getData() != null) ? new String(node.getData(), StandardCharsets.UTF_8) : "";
		if (!PLAIN_DECIMAL.matcher(text).matches()) {
			this.ledger.balanceProblem(this.depositPath + " does not hold a valid amount");
			return;
		}
		this.ledger.balance(node.getStat().getVersion(), node.getStat().getMzxid(), new BigDecimal(text));
	}

	private void audit(ChildData node) {
		try {
			if (node.getPath().equals(this.auditPath)) {
				AuditOpening opening = JSON.readValue(node.getData(), AuditOpening.class);
				if (opening != null && opening.openingBalance() != null) {
					this.ledger.opening(opening.openingBalance(), opening.openingVersion());
				}
			}
			else if (node.getPath().startsWith(this.auditPath + "/")) {
				CustomerTotals totals = JSON.readValue(node.getData(), CustomerTotals.class);
				if (totals != null && totals.deposited() != null && totals.withdrawn() != null) {
					this.ledger.totals(node.getPath().substring(this.auditPath.length() + 1),
							node.getStat().getMzxid(), totals);
				}
			}
		}
		catch (JacksonException ex) {
			// the audit reports it; the page shows the audit's problem
			log.debug("Unreadable audit node {}", node.getPath(), ex);
		}
	}

}
