package org.zkbank.live;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The live page at {@code /}.
 *
 * @param pushInterval the shortest time between two updates sent to one page: updates
 * that come faster are merged into the next one
 * @param auditInterval the shortest time between two audits ({@code DepositAudit}, one
 * consistent ZooKeeper read) that changes of the balance node trigger, whatever the
 * commit rate and the number of pages
 * @param history balance versions the chart keeps
 * @param feed commits the feed keeps
 * @param maxViewers open pages at once; more are answered 503. Each costs at most one
 * pending update and one sending thread, however slow its browser
 * @param streamTimeout how long one event stream stays open; the browser then reconnects
 * by itself
 */
@ConfigurationProperties("bank.live")
@Validated
record LiveProperties(@DefaultValue("100ms") @NotNull @DurationMin(millis = 10) Duration pushInterval,
		@DefaultValue("100ms") @NotNull @DurationMin(millis = 10) Duration auditInterval,
		@DefaultValue("500") @Min(10) @Max(100_000) int history, @DefaultValue("40") @Min(1) @Max(1_000) int feed,
		@DefaultValue("32") @Min(1) @Max(1_024) int maxViewers,
		@DefaultValue("10m") @NotNull @DurationMin(seconds = 1) Duration streamTimeout) {
}
