/** Whether the broker answers a metadata request, within the request timeout. */
import type { KafkaAdmin } from './admin.js';

/** What `GET /v1/health` reports about the cluster. */
export interface BrokerHealth {
  brokers: number;
  controller: number | null;
  clusterId: string;
}

/**
 * Asks the cluster to describe itself within KAFKA_REQUEST_TIMEOUT_MS. Throws a ServiceError
 * (BrokerUnavailableError, BrokerTimeoutError, ...) when it does not answer.
 */
export async function checkBroker(admin: KafkaAdmin): Promise<BrokerHealth> {
  const cluster = await admin.run(admin.requestTimeoutMs, (operations) => operations.describeCluster());
  return { brokers: cluster.brokers.length, controller: cluster.controller, clusterId: cluster.clusterId };
}
