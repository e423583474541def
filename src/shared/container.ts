/**
 * What one Lambda container shares across invocations: configuration parsed at cold start and the Kafka
 * clients built from it. Handlers import from here; nothing here connects until first use.
 */
import { loadAdminConfig } from './admin/config.js';
import { AdminService } from './admin/service.js';
import { KafkaConnection } from './kafka/client.js';
import { loadKafkaConfig } from './kafka/config.js';
import { KafkaRecordWriter } from './kafka/writer.js';
import { loadProduceConfig } from './produce/config.js';
import { ProduceService } from './produce/service.js';

let connection: KafkaConnection | undefined;

export function kafkaConnection(): KafkaConnection {
  connection ??= new KafkaConnection(loadKafkaConfig());
  return connection;
}

let produceService: ProduceService | undefined;

export function defaultProduceService(): ProduceService {
  produceService ??= new ProduceService(new KafkaRecordWriter(kafkaConnection()), loadProduceConfig());
  return produceService;
}

let adminService: AdminService | undefined;

export function defaultAdminService(): AdminService {
  adminService ??= new AdminService(kafkaConnection(), loadAdminConfig());
  return adminService;
}
