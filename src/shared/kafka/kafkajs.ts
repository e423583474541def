/**
 * kafkajs' values, imported in a way native ESM understands: its CommonJS `module.exports` object is only
 * partly visible to Node's named-export detection (everything after `CompressionTypes` is missed), so
 * `import { ConfigResourceTypes } from 'kafkajs'` fails outside a bundler. Modules of src/shared/kafka
 * import kafkajs values from here; types come from 'kafkajs' directly.
 */
import kafkajs from 'kafkajs';

export const {
  Kafka,
  AssignerProtocol,
  CompressionTypes,
  ConfigResourceTypes,
  KafkaJSMetadataNotLoaded,
  Partitioners,
  logLevel,
} = kafkajs;
