package org.zkbank.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.stereotype.Component;

import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositException;

/**
 * {@code bank_audit_conserved}: 1 while the audit is conserved, 0 when money or a write is
 * unexplained, NaN while the deposit cannot be audited. Each scrape audits one consistent
 * snapshot (one ZooKeeper read), so an alert sees a foreign write within a scrape interval.
 */
@Component
class AuditMeters implements MeterBinder {

	private final DepositAudit audit;

	AuditMeters(DepositAudit audit) {
		this.audit = audit;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("bank.audit.conserved", this.audit, AuditMeters::conserved)
			.description("1 if balance = opening + deposits - withdrawals and every write was audited, else 0")
			.register(registry);
	}

	private static double conserved(DepositAudit audit) {
		try {
			return audit.report().conserved() ? 1 : 0;
		}
		catch (DepositException ex) {
			return Double.NaN;
		}
	}

}
