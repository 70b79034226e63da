"""coopsim: an agent-based simulator of agricultural cooperative consolidation.

Smallholder farms decide each year whether to join, found, stay in, leave or merge
cooperatives under subsidy and market rules. The public API:

* :func:`load_scenario` / :class:`Scenario`: read and validate a scenario file;
* :class:`CoopModel`: the Mesa model; ``CoopModel(spec=scenario).run()`` gives the table;
* :func:`sized`: a scenario resized to a number of simulated farms or a scale.
"""

from coopsim.model import CoopModel, sized
from coopsim.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["CoopModel", "Scenario", "ScenarioError", "load_scenario", "sized"]
__version__ = "0.1.0"
