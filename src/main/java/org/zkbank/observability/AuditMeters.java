package org.zkbank.observability;

import java.time.Duration;
import java.util.Locale;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositException;

/**
 * {@code bank_audit_conserved}: 1 while the audit is conserved, 0 when money or a write
 * is unexplained or the deposit was replaced, NaN while the deposit cannot be audited.
 * And {@code bank_audit_problem{problem}}: 1 for the reason the audit cannot be computed
 * now, so that an alert sees a corrupt audit entry, which NaN alone would hide. One
 * scrape audits one consistent snapshot (one ZooKeeper read, shared by these gauges), so
 * an alert sees a foreign write within a scrape interval.
 */
@Component
class AuditMeters implements MeterBinder {

	private static final Logger log = LoggerFactory.getLogger(AuditMeters.class);

	/** How long one audit serves the gauges: long enough to cover one scrape. */
	private static final Duration FRESH = Duration.ofSeconds(1);

	private final DepositAudit audit;

	private Verdict last;

	AuditMeters(DepositAudit audit) {
		this.audit = audit;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("bank.audit.conserved", this, (meters) -> meters.verdict().conserved())
			.description("1 if balance = opening + deposits - withdrawals and every write was audited, else 0")
			.strongReference(true)
			.register(registry);
		for (DepositException.Problem problem : DepositException.Problem.values()) {
			Gauge.builder("bank.audit.problem", this, (meters) -> (meters.verdict().problem() == problem) ? 1 : 0)
				.description("1 while the audit cannot be computed for this reason")
				.tag("problem", problem.name().toLowerCase(Locale.ROOT))
				.strongReference(true)
				.register(registry);
		}
	}

	private synchronized Verdict verdict() {
		long now = System.nanoTime();
		if (this.last == null || now - this.last.at() > FRESH.toNanos()) {
			this.last = audit(now);
		}
		return this.last;
	}

	private Verdict audit(long now) {
		try {
			return new Verdict(now, this.audit.report().conserved() ? 1 : 0, null);
		}
		catch (RuntimeException ex) {
			DepositException problem = problem(ex);
			boolean replaced = problem.problem() == DepositException.Problem.DEPOSIT_REPLACED;
			return new Verdict(now, replaced ? 0 : Double.NaN, problem.problem());
		}
	}

	/**
	 * The deposit's problem, or a defect logged with its stack and reported as internal.
	 */
	static DepositException problem(RuntimeException ex) {
		if (ex instanceof DepositException problem) {
			return problem;
		}
		log.error("The audit failed unexpectedly", ex);
		return new DepositException(DepositException.Problem.INTERNAL, "the audit failed unexpectedly: " + ex, ex);
	}

	/**
	 * One audit's result: conserved as a gauge value, and the problem that prevented it,
	 * if any.
	 */
	private record Verdict(long at, double conserved, DepositException.Problem problem) {
	}

}
