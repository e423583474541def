"""Produces JSON values as Avro records with confluent-kafka's Producer and AvroSerializer (a conformance
peer we did not write): the serializer takes the subject's latest schema from the registry.

Usage: schema_produce.py BOOTSTRAP REGISTRY_URL TOPIC RECORDS_JSON
RECORDS_JSON: [{"key": str, "value": {...}}, ...]. Prints the number of records the broker acknowledged.
"""
import json
import sys

from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

bootstrap, url, topic, records = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
serializer = AvroSerializer(SchemaRegistryClient({"url": url}), None,
                            conf={"auto.register.schemas": False, "use.latest.version": True})
producer = Producer({"bootstrap.servers": bootstrap, "acks": "all"})
acknowledged = []


def delivered(error, message):
    if error is not None:
        raise SystemExit(f"not written: {error}")
    acknowledged.append(message.offset())


for record in records:
    value = serializer(record["value"], SerializationContext(topic, MessageField.VALUE))
    producer.produce(topic, key=record["key"].encode(), value=value, on_delivery=delivered)
if producer.flush(30) != 0:
    raise SystemExit("records still queued after 30 s")
print(len(acknowledged))
