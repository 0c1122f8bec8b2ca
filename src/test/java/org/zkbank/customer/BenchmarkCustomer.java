package org.zkbank.customer;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import org.apache.curator.framework.CuratorFramework;

import org.zkbank.account.DepositSettings;
import org.zkbank.account.OperationResult;
import org.zkbank.account.StopSignal;
import org.zkbank.observability.BankMetrics;

/**
 * For the benchmark ({@code org.zkbank.bench}): one customer as the application builds
 * it, with no pauses and the given number of devices, that operates when called. Public
 * only because the benchmark lives in a package of its own and {@link Customer} is
 * package-private.
 */
public final class BenchmarkCustomer {

	private final Customer customer;

	public BenchmarkCustomer(CuratorFramework client, String name, DepositSettings settings, int devices,
			BankMetrics metrics, StopSignal stop) {
		CustomerProperties noPauses = new CustomerProperties(List.of("unused"),
				new CustomerProperties.Pace(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, devices),
				new CustomerProperties.Amounts(new BigDecimal("1000.00")));
		this.customer = Customer.of(client, name, settings, noPauses, metrics, stop);
	}

	/**
	 * {@link Customer#operate}: one operation, read, decided and committed (maybe with
	 * others).
	 */
	public OperationResult operate() {
		return this.customer.operate().operation();
	}

}
