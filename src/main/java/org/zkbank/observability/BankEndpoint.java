package org.zkbank.observability;

import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;

import org.zkbank.account.DepositAudit;
import org.zkbank.account.DepositException;

/**
 * {@code GET /actuator/bank}: the audit from one consistent snapshot of ZooKeeper, or 503 with
 * the reason when the deposit cannot be audited now.
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
		catch (DepositException ex) {
			return new WebEndpointResponse<>(Map.of("problem", ex.problem().name(), "error", ex.getMessage()),
					WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
		}
	}

}
