/** Whether the broker answers a metadata request, within the request timeout. */
import type { KafkaConnection } from './client.js';
import { withDeadline } from './deadline.js';
import { fromKafkaError } from './errors.js';

export interface BrokerHealth {
  brokers: number;
  controller: number | null;
  clusterId: string;
}

export async function checkBroker(connection: KafkaConnection): Promise<BrokerHealth> {
  const deadline = Date.now() + connection.config.requestTimeoutMs;
  try {
    const admin = await withDeadline(connection.admin(), deadline);
    const cluster = await withDeadline(admin.describeCluster(), deadline);
    return { brokers: cluster.brokers.length, controller: cluster.controller, clusterId: cluster.clusterId };
  } catch (error) {
    throw fromKafkaError(error);
  }
}
