"""The game in short sentences a 15-year-old understands, in the class's language.

Every sentence comes from the ``[game]`` section of the locale files
(``coopsim/locales/{en,kk,ru}.toml``); coops are numbered from 1 on every screen.
"""

from __future__ import annotations

from coopsim.classroom.game import DROUGHT_YIELD, Game, MergerTerms, Offer, Reveal
from coopsim.i18n import Translator
from coopsim.processes.players import Action


def coop_number(coop: int) -> int:
    """A coop's number as people see it: the first coop is coop 1."""
    return coop + 1


def name_list(tr: Translator, names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(names) <= 1:
        return "".join(names)
    return tr("classroom.and", first=", ".join(names[:-1]), last=names[-1])


def farm_line(game: Game, farm: int, tr: Translator) -> str:
    """What the farm has: land, herd and machines."""
    machines = [tr(f"asset.{a}") for a in game.machines(farm)]
    return tr(
        "game.farm_has",
        land=tr.number(game.farms.land_ha[farm]),
        herd=tr.number(game.farms.livestock_head[farm]),
        machines=name_list(tr, machines) if machines else tr("game.no_machines"),
    )


def option_title(offer: Offer, member_of: int, tr: Translator) -> str:
    """The option as a button says it ("Stay alone", "Join coop 2", …)."""
    if offer.action == Action.STAY:
        if member_of >= 0:
            return tr("game.option.stay_in", k=coop_number(member_of))
        return tr("game.option.alone")
    if offer.action == Action.JOIN:
        return tr("game.option.join", k=coop_number(offer.coop))
    if offer.action == Action.FOUND:
        return tr("game.option.found", n=offer.founders)
    return tr("game.option.leave", k=coop_number(member_of))


def option_reasons(offer: Offer, now: Offer, currency: str, tr: Translator) -> list[str]:
    """The option in numbers, against staying as the farm is (``now``).

    "You earn 2,136,578 ₸ this year: 585,978 ₸ more than now."; "Your machinery work
    costs 32 % less."; "It costs 150,000 ₸ once; you get 100,000 ₸ of grants."
    """
    lines = [tr("game.reason.earn", income=tr.money(offer.income, currency))]
    if offer is not now:
        gap = offer.income - now.income
        key = "game.reason.more" if gap >= 0 else "game.reason.less"
        lines[0] += " " + tr(key, amount=tr.money(abs(gap), currency))
        if now.machinery > 0 and abs(offer.machinery - now.machinery) >= 0.005 * now.machinery:
            change = offer.machinery / now.machinery - 1
            key = "game.reason.machinery_less" if change < 0 else "game.reason.machinery_more"
            lines.append(tr(key, percent=tr.number(abs(100 * change))))
    if offer.one_off > 0 or offer.grant > 0:
        lines.append(
            tr(
                "game.reason.once",
                cost=tr.money(offer.one_off, currency),
                grant=tr.money(offer.grant, currency),
            )
        )
    return lines


def merger_reasons(terms: MergerTerms, currency: str, tr: Translator) -> list[str]:
    """A merger vote in numbers: what merging saves a year, what it costs once."""
    key = "game.merger.saves" if terms.saving >= 0 else "game.merger.costs_more"
    return [
        tr(key, k=coop_number(terms.partner), amount=tr.money(abs(terms.saving), currency)),
        tr(
            "game.merger.once",
            cost=tr.money(terms.merger_cost, currency),
            state=tr.percent(terms.state_share, 0),
        ),
        tr("game.merger.rule"),
    ]


def did_text(reveal: Reveal, farm: int, tr: Translator) -> str:
    """What the farm did in the round, in two or three words."""
    did = reveal.did[farm]
    k = coop_number(reveal.coop_after[farm])
    if did == "stayed":
        return (
            tr("game.did.stayed_in", k=k)
            if reveal.coop_after[farm] >= 0
            else tr("game.did.stayed_alone")
        )
    if did == "left":
        return tr("game.did.left", k=coop_number(reveal.coop_before[farm]))
    return tr(f"game.did.{did}", k=k)


def round_summary(game: Game, reveal: Reveal, tr: Translator) -> str:
    """One sentence on the round: how many farms are in how many coops."""
    return tr(
        "game.summary",
        year=reveal.round,
        members=reveal.members,
        farms=len(reveal.did),
        coops=len(reveal.coops),
    )


def event_text(event: str, tr: Translator) -> str:
    """What an event does, in a sentence."""
    return tr(f"game.event.{event}.text", percent=round(100 * (1 - DROUGHT_YIELD)))
