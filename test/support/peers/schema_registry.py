"""Drives a schema registry with confluent-kafka's SchemaRegistryClient and its Avro, JSON Schema and
Protobuf serializers (a conformance peer we did not write).

Usage: schema_registry.py URL PREFIX INPUT_JSON
INPUT_JSON: {"avro": hex, "json": hex, "protobuf": hex} records serialized by another client, to deserialize.
Prints one JSON object: what each call returned, and this client's own serialized records (hex).
"""
import json
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer, ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

url, prefix, given = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
client = SchemaRegistryClient({"url": url})
out = {}

AVRO = json.dumps({"type": "record", "name": "Order", "namespace": "shop",
                   "fields": [{"name": "id", "type": "string"}, {"name": "cents", "type": "long"}]})
AVRO_V2 = json.dumps({"type": "record", "name": "Order", "namespace": "shop",
                      "fields": [{"name": "id", "type": "string"}, {"name": "cents", "type": "long"},
                                 {"name": "note", "type": "string", "default": ""}]})
AVRO_BAD = json.dumps({"type": "record", "name": "Order", "namespace": "shop",
                       "fields": [{"name": "id", "type": "int"}]})
JSON_SCHEMA = json.dumps({"type": "object", "properties": {"id": {"type": "string"}, "cents": {"type": "integer"}},
                          "required": ["id", "cents"], "additionalProperties": False})


def error_of(call):
    try:
        call()
        return None
    except SchemaRegistryError as error:
        return {"status": error.http_status_code, "code": error.error_code}


# -- the client's REST calls
subject = f"{prefix}-client"
schema_id = client.register_schema(subject, Schema(AVRO, "AVRO"))
out["register"] = schema_id
out["register_again"] = client.register_schema(subject, Schema(AVRO, "AVRO"))
out["get_schema"] = json.loads(client.get_schema(schema_id).schema_str)
registered = client.lookup_schema(subject, Schema(AVRO, "AVRO"))
out["lookup"] = {"id": registered.schema_id, "version": registered.version, "subject": registered.subject}
out["latest"] = client.get_latest_version(subject).version
out["compatible"] = client.test_compatibility(subject, Schema(AVRO_V2, "AVRO"))
out["incompatible"] = client.test_compatibility(subject, Schema(AVRO_BAD, "AVRO"))
out["set_compatibility"] = client.set_compatibility(subject, "FULL")
out["get_compatibility"] = client.get_compatibility(subject)
out["register_v2"] = client.register_schema(subject, Schema(AVRO_V2, "AVRO"))
out["versions"] = client.get_versions(subject)
out["register_bad"] = error_of(lambda: client.register_schema(subject, Schema(AVRO_BAD, "AVRO")))
out["invalid"] = error_of(lambda: client.register_schema(subject, Schema('{"type": "nope"}', "AVRO")))
out["missing_subject"] = error_of(lambda: client.get_latest_version(f"{prefix}-missing"))
out["subjects"] = [s for s in client.get_subjects() if s.startswith(prefix)]
out["delete_version"] = client.delete_version(subject, 1)
out["delete_subject"] = client.delete_subject(subject)
out["delete_permanent"] = client.delete_subject(subject, permanent=True)

# -- serializers and deserializers (auto-registering, TopicNameStrategy)
order = {"id": "o-1", "cents": 1250}


def context(topic):
    return SerializationContext(topic, MessageField.VALUE)


avro_topic = f"{prefix}-avro"
avro_bytes = AvroSerializer(client, AVRO)(order, context(avro_topic))
out["avro"] = {"hex": avro_bytes.hex(), "roundtrip": AvroDeserializer(client)(avro_bytes, context(avro_topic))}
if given.get("avro"):
    out["avro"]["peer"] = AvroDeserializer(client)(bytes.fromhex(given["avro"]), context(avro_topic))

json_topic = f"{prefix}-json"
json_bytes = JSONSerializer(JSON_SCHEMA, client)(order, context(json_topic))
out["json"] = {"hex": json_bytes.hex(),
               "roundtrip": JSONDeserializer(None, schema_registry_client=client)(json_bytes, context(json_topic))}
if given.get("json"):
    out["json"]["peer"] = JSONDeserializer(None, schema_registry_client=client)(
        bytes.fromhex(given["json"]), context(json_topic))

# A message class built at run time from a FileDescriptorProto, as protoc would generate it.
file_proto = descriptor_pb2.FileDescriptorProto(name=f"{prefix}/order.proto", package="shop", syntax="proto3")
message = file_proto.message_type.add(name="Order")
message.field.add(name="id", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
                  label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
message.field.add(name="cents", number=2, type=descriptor_pb2.FieldDescriptorProto.TYPE_INT64,
                  label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
pool = descriptor_pool.DescriptorPool()
pool.Add(file_proto)
Order = message_factory.GetMessageClass(pool.FindMessageTypeByName("shop.Order"))

proto_topic = f"{prefix}-protobuf"
proto_bytes = ProtobufSerializer(Order, client, {"use.deprecated.format": False})(
    Order(id="o-1", cents=1250), context(proto_topic))
proto_reader = ProtobufDeserializer(Order, {"use.deprecated.format": False}, schema_registry_client=client)
decoded = proto_reader(proto_bytes, context(proto_topic))
out["protobuf"] = {"hex": proto_bytes.hex(), "roundtrip": {"id": decoded.id, "cents": decoded.cents}}
if given.get("protobuf"):
    peer = proto_reader(bytes.fromhex(given["protobuf"]), context(proto_topic))
    out["protobuf"]["peer"] = {"id": peer.id, "cents": peer.cents}

print(json.dumps(out))
