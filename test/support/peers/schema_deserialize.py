"""Deserializes schema-registry framed values with confluent-kafka's Avro, JSON Schema and Protobuf
deserializers (a conformance peer we did not write), reading each value's schema from the registry.

Usage: schema_deserialize.py URL TOPIC FORMAT HEX_VALUES_JSON
FORMAT: avro | jsonschema | protobuf. Prints one JSON array: each value as the deserializer gives it;
Protobuf messages as their canonical JSON (json_format.MessageToDict), Avro timestamps as epoch milliseconds.
"""
import base64
import datetime
import json
import sys

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
from google.protobuf import timestamp_pb2

url, topic, fmt, hex_values = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
client = SchemaRegistryClient({"url": url})
context = SerializationContext(topic, MessageField.VALUE)


def message_indexes(data):
    """The message indexes after the 5-byte header: zigzag varints, a count first (0 means [0])."""
    position = 5

    def varint():
        nonlocal position
        value, shift = 0, 0
        while True:
            byte = data[position]
            position += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return (value >> 1) ^ -(value & 1)

    count = varint()
    return [0] if count == 0 else [varint() for _ in range(count)]


def protobuf_value(data):
    schema_id = int.from_bytes(data[1:5], "big")
    serialized = client.get_schema(schema_id, fmt="serialized").schema_str
    file_proto = descriptor_pb2.FileDescriptorProto.FromString(base64.b64decode(serialized))
    file_proto.name = f"schema-{schema_id}.proto"
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(timestamp_pb2.DESCRIPTOR.serialized_pb)
    pool.Add(file_proto)
    indexes = message_indexes(data)
    described = file_proto.message_type[indexes[0]]
    names = [described.name]
    for index in indexes[1:]:
        described = described.nested_type[index]
        names.append(described.name)
    full_name = ".".join(([file_proto.package] if file_proto.package else []) + names)
    message_class = message_factory.GetMessageClass(pool.FindMessageTypeByName(full_name))
    reader = ProtobufDeserializer(message_class, {"use.deprecated.format": False}, schema_registry_client=client)
    return {"type": full_name, "value": json_format.MessageToDict(reader(data, context))}


def plain(value):
    if isinstance(value, datetime.datetime):
        return int(value.timestamp() * 1000)
    raise TypeError(f"cannot print {type(value)}")


readers = {
    "avro": AvroDeserializer(client),
    "jsonschema": JSONDeserializer(None, schema_registry_client=client),
}
values = []
for hex_value in hex_values:
    data = bytes.fromhex(hex_value)
    values.append(protobuf_value(data) if fmt == "protobuf" else readers[fmt](data, context))
print(json.dumps(values, default=plain))
