"""What a block model may say: every number finite and of a physically meaningful size,
every size bounded and checked against the file's content before anything is allocated
in proportion to it. The readers (`twin.mine.minelib`, `twin.mine.blockmodel`) and
``twin mine`` check these; ``docs/limits-blocks.md`` lists them with the reasons.
"""

from __future__ import annotations

from twin.limits import MAX_TIME_LIMIT_S

#: Bytes of one input file (MineLib or CSV); larger ones, and anything that is not a
#: regular file (a FIFO, /dev/zero), are refused unread. MineLib's largest instance,
#: McLaughlin (2.1 million blocks, ~75 million arcs), has a .prec file well under this.
MAX_FILE_BYTES = 2 * 2**30
#: Blocks of one model: 10x McLaughlin; a 20-million-block LP does not fit a workstation.
MAX_BLOCKS = 20_000_000
#: Precedence arcs (in a .prec file or built from slope angles): 10 per block at the
#: block limit, the 1:9 pattern of a 35-degree slope on cubic blocks (4 bytes each).
MAX_ARCS = 200_000_000
#: Periods of a schedule: 80 years monthly is 960; the LP holds blocks x periods columns.
MAX_PERIODS = 1000
#: Blocks x periods x destinations of a schedule: the LP's columns, 8 bytes each in
#: every array of its solution (McLaughlin, 2.1 million blocks x 20 periods, is 4.2e7).
MAX_SCHEDULE_CELLS = 200_000_000
#: Destinations of a PCPSP (plant, leach, stockpiles, waste dumps: a handful in practice).
MAX_DESTINATIONS = 100
#: Resource side constraints of a CPIT / PCPSP (a few in every MineLib instance).
MAX_RESOURCES = 100
#: |value| of a block (one destination), currency: more than the world's yearly output
#: (~1e14 USD); HiGHS reads costs from 1e20 as infinite.
MAX_VALUE = 1e15
#: |resource coefficient| of a block, its unit (tonnes in every MineLib instance).
MAX_COEFFICIENT = 1e12
#: |resource limit| of a period, its unit: 1e15 t is 10,000 years of the world's mining.
MAX_LIMIT = 1e15
#: Discount rate per period: 100 % already halves a value each period.
MAX_DISCOUNT_RATE = 1.0
#: Tonnes of one block (the tonnage column of a .blocks file, a CSV's ``tonnes``).
MAX_TONNES = 1e12
#: |any other number| of a .blocks column: newman1 marks blocks that must not be
#: processed with about -tonnage x 1e16 (-5.664e19), kept as found.
MAX_ATTRIBUTE = 1e25
#: |grid index| of a .blocks file.
MAX_GRID_INDEX = 1_000_000_000
#: |coordinate| of a CSV block centroid, m (UTM northings are below 1e7 m).
MAX_COORDINATE_M = 1e9
#: Block sizes of a CSV model, m: blocks are metres to tens of metres across; two
#: centroids closer than the smallest are a typo or one block twice, and the largest is
#: already a whole deposit.
MIN_BLOCK_SIZE_M = 0.01
MAX_BLOCK_SIZE_M = 10_000.0
#: Cells of a CSV model's grid (nx x ny x nz): slope precedence keeps one 4-byte id per
#: cell, so one outlier coordinate would otherwise ask for gigabytes.
MAX_GRID_CELLS = 50_000_000
#: Slope angles, degrees from horizontal. Below 10 the cone of one bench reaches more
#: than 5.7 bench heights out (1 / tan 10 deg), so a few benches cover the whole model
#: and the arcs per block grow as 1 / tan^2 (at 1e-9 degrees, without end); no rock
#: slope of a pit is that flat. Above 80 no overall pit slope stands (rock slopes are
#: 30-60 degrees overall), and the template is already the block above on cubic blocks.
MIN_SLOPE_DEG = 10.0
#: Slope angle (degrees from horizontal) when neither the call nor the CSV gives one.
DEFAULT_SLOPE_DEG = 45.0
MAX_SLOPE_DEG = 80.0
#: Grid cells scanned by the one-bench template of slope precedence, summed over blocks
#: (a few seconds of the kernel); blocks much flatter than wide reach far in cells.
MAX_TEMPLATE_CELLS = 2_000_000_000
#: Metal price and costs of a CSV model, CNY/t (refined gold is ~4.5e8 CNY/t).
MAX_CNY_PER_T = 1e10
#: Revenue factors of nested pits: how many, and how large (pits use 0.3-2).
MAX_FACTORS = 1000
MAX_FACTOR = 100.0
#: Sides of an SMU, blocks.
MAX_SMU_BLOCKS = 1000
#: Seconds of ``--time-limit`` and ``--improve-seconds``: those of `twin solve`.
MAX_SECONDS = MAX_TIME_LIMIT_S
