package org.zkbank.customer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import org.zkbank.account.DepositAccount;
import org.zkbank.account.DepositSettings;
import org.zkbank.account.StopSignal;
import org.zkbank.observability.BankMetrics;
import org.zkbank.zookeeper.ZooKeeperSessions;

/**
 * Runs each customer of {@code bank.customers.names} on a thread of its own, with its own
 * ZooKeeper session. Stopping (for instance on SIGTERM) ends pauses at once and lets each
 * operation in flight finish: committed or not applied.
 */
final class Customers implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(Customers.class);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

	private final CustomerProperties properties;

	private final DepositSettings bank;

	private final ZooKeeperSessions sessions;

	private final BankMetrics metrics;

	private final StopSignal stop = new StopSignal();

	private final Map<String, Customer> running = new ConcurrentHashMap<>();

	private final List<Thread> threads = new ArrayList<>();

	Customers(CustomerProperties properties, DepositSettings bank, ZooKeeperSessions sessions, BankMetrics metrics) {
		this.properties = properties;
		this.bank = bank;
		this.sessions = sessions;
		this.metrics = metrics;
	}

	/** The customers that have a session, by name; the others are still connecting. */
	Map<String, Customer> running() {
		return this.running;
	}

	List<String> names() {
		return this.properties.names();
	}

	@Override
	public synchronized void start() {
		List<String> names = this.properties.names();
		for (int i = 0; i < names.size(); i++) {
			int index = i;
			Thread thread = new Thread(() -> run(index, names.get(index)), "customer-" + names.get(index));
			this.threads.add(thread);
			thread.start();
		}
	}

	@Override
	public synchronized void stop() {
		this.stop.stop();
		long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
		for (Thread thread : this.threads) {
			try {
				thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			if (thread.isAlive()) {
				log.error("{} did not stop within {}", thread.getName(), STOP_TIMEOUT);
			}
		}
		this.threads.clear();
	}

	@Override
	public synchronized boolean isRunning() {
		return !this.threads.isEmpty();
	}

	private void run(int index, String name) {
		CuratorFramework client = open(index, name);
		if (client == null) {
			return;
		}
		try {
			Customer customer = Customer.of(client, name, this.bank, this.properties, this.metrics, this.stop);
			this.running.put(name, customer);
			log.info("{} started", name);
			customer.run();
			log.info("{} stopped", name);
		}
		finally {
			this.sessions.close(client);
		}
	}

	/**
	 * Opens the customer's session, trying again until it works or the customers stop:
	 * the first customer uses the application's session, every other one a session of its
	 * own.
	 */
	private CuratorFramework open(int index, String name) {
		boolean logged = false;
		while (!this.stop.isStopped()) {
			try {
				return (index == 0) ? this.sessions.shared() : this.sessions.open();
			}
			catch (Exception ex) {
				if (!logged) {
					log.error("{} could not open a ZooKeeper session, trying again: {}", name, ex.toString());
					logged = true;
				}
				this.stop.pause(this.bank.retry().maxBackoff());
			}
		}
		return null;
	}

}
