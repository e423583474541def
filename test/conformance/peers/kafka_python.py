"""kafka-python as a conformance peer: classic producer, consumer and admin usage.

Usage: kafka_python.py BOOTSTRAP COMMAND JSON_ARGS; prints one JSON document.
"""
import json
import sys

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic


def produce_json(bootstrap, args):
    producer = KafkaProducer(
        bootstrap_servers=bootstrap,
        value_serializer=lambda value: json.dumps(value).encode("utf-8"),
        key_serializer=lambda key: key.encode("utf-8"),
        acks="all",
    )
    sent = []
    for record in args["records"]:
        metadata = producer.send(args["topic"], key=record["key"], value=record["value"]).get(timeout=30)
        sent.append({"partition": metadata.partition, "offset": metadata.offset})
    producer.flush()
    producer.close()
    return sent


def consume_group(bootstrap, args):
    consumer = KafkaConsumer(
        args["topic"],
        bootstrap_servers=bootstrap,
        group_id=args["group"],
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        value_deserializer=lambda raw: json.loads(raw.decode("utf-8")),
        consumer_timeout_ms=args.get("timeout_ms", 20000),
    )
    records = []
    for message in consumer:
        records.append(
            {"partition": message.partition, "offset": message.offset, "key": message.key.decode("utf-8"), "value": message.value}
        )
        if len(records) >= args["expected"]:
            break
    consumer.commit()
    committed = {str(p.partition): consumer.committed(p) for p in consumer.assignment()}
    consumer.close()
    return {"records": records, "committed": committed}


def create_topics(bootstrap, args):
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    admin.create_topics([NewTopic(name=t["name"], num_partitions=t["partitions"], replication_factor=1) for t in args["topics"]])
    described = admin.describe_topics([t["name"] for t in args["topics"]])
    admin.close()
    return [{"topic": t.get("name", t.get("topic")), "partitions": len(t["partitions"]), "error": t["error_code"]} for t in described]


COMMANDS = {"produce-json": produce_json, "consume-group": consume_group, "create-topics": create_topics}

if __name__ == "__main__":
    print(json.dumps(COMMANDS[sys.argv[2]](sys.argv[1], json.loads(sys.argv[3]))))
