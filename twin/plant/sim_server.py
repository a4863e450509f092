"""The simulated plant (twin.plant.sim) as an OPC UA server (asyncua), for ``twin
plant-sim``: every node of the ``plant`` section is a variable of the object ``plant`` in
the section's namespace, setpoint nodes are writable, and the object has two methods to
inject faults, ``trip(unit: String, hours: Double)`` and ``drift(material: String,
element: String, per_period: Double)``. Every `period_s` wall-clock seconds the server
reads the setpoints, runs one plant period and publishes the readings; a fault is
published at once. The variable ``period`` counts the periods run. The endpoint has no
security (a test fixture and a demo, on localhost by default).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from asyncua import Node, Server, ua
from asyncua.common.methods import uamethod

from twin.errors import OptionError, TwinError
from twin.plant.nodes import VARIANT, node_id
from twin.plant.sim import PlantSim

log = logging.getLogger("twin.plant")


class _Published:
    """The server's variables for `sim`, by field path."""

    def __init__(self, sim: PlantSim) -> None:
        self.sim = sim
        self.nodes: dict[str, tuple[Node, str]] = {}
        self.period: Node | None = None

    async def add(self, server: Server, index: int) -> Node:
        sim = self.sim
        plant = await server.nodes.objects.add_object(index, "plant")
        values: dict[str, float | bool] = {
            **sim.readings(),
            **{f"setpoints.throughput.{u}": v for u, v in sim.setpoints.items()},
            **{f"setpoints.amperage.{u}": v for u, v in sim.line_ka.items()},
        }
        for path, ref, role in sim.link.entries():
            nid = node_id(ref, sim.link.namespace, index)
            var = await plant.add_variable(
                nid, ua.QualifiedName(path, index), values[path], VARIANT[role]
            )
            if role.startswith("setpoints."):
                await var.set_writable()
            self.nodes[path] = (var, role)
        self.period = await plant.add_variable(index, "period", 0, ua.VariantType.Int64)
        return plant

    async def read_setpoints(self) -> None:
        for path, (node, role) in self.nodes.items():
            if not role.startswith("setpoints."):
                continue
            unit = path.removeprefix(role + ".")
            value = float(await node.read_value())
            try:
                if role == "setpoints.throughput":
                    self.sim.set_throughput(unit, value)
                else:
                    self.sim.set_amperage(unit, value)
            except TwinError as exc:
                log.warning("plant-sim: %s", exc)

    async def publish(self) -> None:
        for path, value in self.sim.readings().items():
            node, role = self.nodes[path]
            await node.write_value(ua.Variant(value, VARIANT[role]))
        if self.period is not None:
            await self.period.write_value(ua.Variant(self.sim.period, ua.VariantType.Int64))


async def _fault_methods(plant: Node, index: int, published: _Published) -> None:
    sim = published.sim

    @uamethod
    async def trip(parent: ua.NodeId, unit: str, hours: float) -> bool | ua.StatusCode:
        refused = _apply(lambda: sim.trip(unit, hours))
        if refused is None:
            await published.publish()
        return refused or True

    @uamethod
    async def drift(
        parent: ua.NodeId, material: str, element: str, per_period: float
    ) -> bool | ua.StatusCode:
        return _apply(lambda: sim.drift(material, element, per_period)) or True

    string, double = ua.VariantType.String, ua.VariantType.Double
    await plant.add_method(index, "trip", trip, [string, double], [ua.VariantType.Boolean])
    await plant.add_method(
        index, "drift", drift, [string, string, double], [ua.VariantType.Boolean]
    )


def _apply(fault: Callable[[], None]) -> ua.StatusCode | None:
    """Inject `fault`; BadInvalidArgument (logged) when the plant refuses it."""
    try:
        fault()
    except TwinError as exc:
        log.warning("plant-sim: %s", exc)
        return ua.StatusCode(ua.UInt32(ua.StatusCodes.BadInvalidArgument))
    return None


async def serve_plant(
    sim: PlantSim,
    host: str = "127.0.0.1",
    port: int = 4840,
    period_s: float = 1.0,
    periods: int | None = None,
    started: Callable[[str, int], None] | None = None,
) -> None:
    """Serve `sim` on opc.tcp://host:port/twin/ (module docstring), one plant period every
    `period_s` s, for `periods` periods (None: until cancelled); `started(url, index)` is
    called once the server listens (index: the namespace's index). OptionError when the
    port cannot be had."""
    if not (0.01 <= period_s <= 86400):
        raise OptionError(f"--period-s: {period_s} must be in [0.01, 86400] s")
    for name in ("asyncua", "asyncua.server"):
        logging.getLogger(name).setLevel(logging.ERROR)
    server = Server()
    await server.init()
    url = f"opc.tcp://{host}:{port}/twin/"
    server.set_endpoint(url)
    server.set_server_name("twin plant-sim")
    server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
    index = await server.register_namespace(sim.link.namespace)
    published = _Published(sim)
    plant = await published.add(server, index)
    await _fault_methods(plant, index, published)
    try:
        await server.start()
    except OSError as exc:
        raise OptionError(f"--host / --port: cannot listen on {host}:{port}: {exc}") from None
    try:
        if started is not None:
            started(url, index)
        while periods is None or sim.period < periods:
            await asyncio.sleep(period_s)
            await published.read_setpoints()
            sim.step()
            await published.publish()
    finally:
        await server.stop()
