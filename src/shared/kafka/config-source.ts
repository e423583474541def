/**
 * Kafka's ConfigSource (DescribeConfigs v1+): where a config's value comes from, as the embedded broker
 * reports it and the admin API reads it. https://kafka.apache.org/protocol#The_Messages_DescribeConfigs
 */
export const CONFIG_SOURCE = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;
