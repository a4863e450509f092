"""The plant link: the plant's current state applied to an instance (`twin.plant.state`),
rolling re-plans over a horizon (`twin.plant.rolling`), and the live data path (OPC UA,
reconciliation, simulator)."""
