package org.zkbank.customer;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import org.zkbank.account.DepositAccount;
import org.zkbank.account.OperationResult;
import org.zkbank.account.StopSignal;
import org.zkbank.observability.CustomerMeters;

/**
 * For the benchmark ({@code org.zkbank.bench}): one customer as the application builds it, with
 * no pauses and the given number of devices, that operates when called. Public only because the
 * benchmark lives in a package of its own and {@link Customer} is package-private.
 */
public final class BenchmarkCustomer {

	private final Customer customer;

	public BenchmarkCustomer(DepositAccount account, int devices, CustomerMeters meters, StopSignal stop) {
		CustomerProperties noPauses = new CustomerProperties(List.of("unused"),
				new CustomerProperties.Pace(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, devices),
				new CustomerProperties.Amounts(new BigDecimal("1000.00")));
		this.customer = new Customer(account, noPauses, meters, stop, Duration.ofMillis(10));
	}

	/** {@link Customer#operate}: one operation, read, decided and committed (maybe with others). */
	public OperationResult operate() {
		return this.customer.operate().operation();
	}

}
