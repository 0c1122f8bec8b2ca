package org.zkbank.customer;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Which customers this instance runs, and how they behave.
 *
 * @param names the customer names; each is also the name of its audit node
 * @param pace how long a customer waits between operations and thinks before committing
 * @param amounts how much a customer moves
 */
@ConfigurationProperties("bank.customers")
@Validated
public record CustomerProperties(@DefaultValue( {
		"Alice", "Bob",
		"Chuck" }) @NotEmpty List<@NotNull @Pattern(regexp = "[A-Za-z0-9_-]{1,64}",
				message = "must be 1 to 64 letters, digits, '_' or '-'") String> names,
		@DefaultValue @Valid Pace pace, @DefaultValue @Valid Amounts amounts){

	@AssertTrue(message = "bank.customers.names must not name a customer twice")
	boolean isEachCustomerOnce() {
		return this.names == null || new HashSet<>(this.names).size() == this.names.size();
	}

	/**
	 * Random pauses, each drawn uniformly between its min and max.
	 *
	 * @param intervalMin the shortest wait before an operation
	 * @param intervalMax the longest wait before an operation
	 * @param thinkMin the shortest time between reading the balance and committing
	 * @param thinkMax the longest time between reading the balance and committing
	 * @param concurrency operations the customer runs at once, as from that many devices;
	 * those waiting at the same time are committed together (group commit)
	 */
	public record Pace(@DefaultValue("1s") @NotNull @DurationMin(millis = 0) Duration intervalMin,
			@DefaultValue("15s") @NotNull @DurationMin(millis = 0) Duration intervalMax,
			@DefaultValue("500ms") @NotNull @DurationMin(millis = 0) Duration thinkMin,
			@DefaultValue("4s") @NotNull @DurationMin(millis = 0) Duration thinkMax,
			@DefaultValue("1") @Min(1) @Max(1024) int concurrency) {

		@AssertTrue(
				message = "bank.customers.pace.interval-min must not be longer than bank.customers.pace.interval-max")
		boolean isIntervalMinWithinMax() {
			return this.intervalMin == null || this.intervalMax == null
					|| this.intervalMin.compareTo(this.intervalMax) <= 0;
		}

		@AssertTrue(message = "bank.customers.pace.think-min must not be longer than bank.customers.pace.think-max")
		boolean isThinkMinWithinMax() {
			return this.thinkMin == null || this.thinkMax == null || this.thinkMin.compareTo(this.thinkMax) <= 0;
		}

	}

	/**
	 * @param maxDeposit the largest deposit; deposits are drawn from 0.01 to this,
	 * withdrawals from 0.01 to the balance read
	 */
	public record Amounts(@DefaultValue("1000.00") @NotNull @DecimalMin("0.01") @Digits(integer = 15,
			fraction = 2) BigDecimal maxDeposit) {
	}

}
