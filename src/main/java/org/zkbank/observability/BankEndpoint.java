package org.zkbank.observability;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;

import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositException;

/**
 * {@code GET /actuator/bank}: the audit from one consistent snapshot of ZooKeeper, or 503
 * with the reason when the deposit cannot be audited now, whatever its nodes hold. A
 * replaced deposit is also reported as not conserved.
 */
@Component
@Endpoint(id = "bank")
class BankEndpoint {

	private final DepositAudit audit;

	BankEndpoint(DepositAudit audit) {
		this.audit = audit;
	}

	@ReadOperation
	WebEndpointResponse<Object> audit() {
		try {
			return new WebEndpointResponse<>(this.audit.report());
		}
		catch (RuntimeException ex) {
			DepositException problem = AuditMeters.problem(ex);
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("problem", problem.problem().name());
			body.put("error", problem.getMessage());
			if (problem.problem() == DepositException.Problem.DEPOSIT_REPLACED) {
				body.put("conserved", false);
			}
			return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
		}
	}

}
