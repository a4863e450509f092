"""OPC UA node ids of the ``plant`` section's references (twin.plant.opcua_map), for the
simulator's server and the live client alike."""

from __future__ import annotations

from asyncua import ua

from twin.errors import InstanceError


def node_id(ref: str, namespace: str, index: int) -> ua.NodeId:
    """The NodeId of `ref`: a bare name is a string identifier in `namespace` (at `index`
    on this server); ``nsu=<namespace>;...`` resolves to `index`; other full ids are taken
    as they are. InstanceError for a namespace URI other than the section's."""
    if "=" not in ref:
        return ua.NodeId(ua.String(ref), ua.Int16(index))
    parsed = ua.NodeId.from_string(ref)
    if isinstance(parsed, ua.ExpandedNodeId) and parsed.NamespaceUri:
        if parsed.NamespaceUri != namespace:
            raise InstanceError(
                [f"plant: node '{ref}' is in namespace {parsed.NamespaceUri}, not {namespace}"]
            )
        return ua.NodeId(parsed.Identifier, ua.Int16(index), parsed.NodeIdType)
    return ua.NodeId(parsed.Identifier, parsed.NamespaceIndex, parsed.NodeIdType)


#: The OPC UA type of each role's value.
VARIANT = {
    "levels": ua.VariantType.Double,
    "flows": ua.VariantType.Double,
    "running": ua.VariantType.Boolean,
    "unavailable_h": ua.VariantType.Double,
    "availability": ua.VariantType.Double,
    "assays": ua.VariantType.Double,
    "amperage": ua.VariantType.Double,
    "setpoints.throughput": ua.VariantType.Double,
    "setpoints.amperage": ua.VariantType.Double,
}
