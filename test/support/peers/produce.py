"""Produces records with kafka-python (a client we did not write) and prints where each one landed.

Usage: produce.py BOOTSTRAP TOPIC < records.json
records.json: a JSON array of {"key": text or null, "value": text}. kafka-python's default partitioner
hashes keys with murmur2 exactly as the Java client does. Prints one JSON line per record, in order:
{"partition", "offset"}.
"""
import json
import sys

from kafka import KafkaProducer

bootstrap, topic = sys.argv[1], sys.argv[2]
records = json.load(sys.stdin)

producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
futures = [
    producer.send(
        topic,
        key=None if record["key"] is None else record["key"].encode("utf-8"),
        value=record["value"].encode("utf-8"),
    )
    for record in records
]
producer.flush()
for future in futures:
    metadata = future.get(timeout=30)
    print(json.dumps({"partition": metadata.partition, "offset": metadata.offset}), flush=True)
producer.close()
