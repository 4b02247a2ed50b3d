/**
 * Duty cycles: a service loop is an {@link io.parquetry.platform.duty.Agent} whose {@code doWork} runs each duty once
 * and returns how much work it did, an {@link io.parquetry.platform.duty.IdleStrategy} that decides how long to wait when
 * it did none, and a {@link io.parquetry.platform.duty.Clock} given to both, so that a policy that depends on time
 * (a back-off, a period, a maximum age) is a plain function of the time it is given and is tested with a fake one.
 * {@link io.parquetry.platform.duty.AgentRunner} runs an agent on a thread of its own, started after construction.
 */
package io.parquetry.platform.duty;
