"""Reads every record of a topic with kafka-python (a client we did not write) and prints one JSON line each.

Usage: consume.py BOOTSTRAP TOPIC EXPECTED_COUNT TIMEOUT_SECONDS
Keys, values and header values are base64 so that bytes compare exactly.
"""
import base64
import json
import sys
import time

from kafka import KafkaConsumer, TopicPartition

bootstrap, topic, expected, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])


def b64(data):
    return None if data is None else base64.b64encode(data).decode("ascii")


consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])]
consumer.assign(partitions)
consumer.seek_to_beginning(*partitions)
seen = 0
deadline = time.time() + timeout
while seen < expected and time.time() < deadline:
    for records in consumer.poll(timeout_ms=500).values():
        for record in records:
            seen += 1
            print(json.dumps({
                "partition": record.partition,
                "offset": record.offset,
                "timestamp": record.timestamp,
                "timestampType": record.timestamp_type,
                "key": b64(record.key),
                "value": b64(record.value),
                "headers": [[name, b64(value)] for name, value in record.headers],
            }), flush=True)
consumer.close()
