"""Claude design skill: the model looks at the moodboard, logo and photos and chooses which
of the extracted colours take the primary, secondary and accent roles.

The offline design skill (or whichever skill fills the slot without a model) does the
rest: it extracts the palette, builds the scales and repairs contrast to WCAG AA. Brand
colours keep their roles; the model only fills the roles they leave open, and only with
colours that are really in the images' palette — an invented colour is ignored and
reported. Images go to the model downscaled (``image_px``), as image blocks.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Sequence
from typing import Any

from domain.design import BrandInputs, DesignSystem, ImageSample
from domain.json_schema import conform
from domain.llm import LlmImage, LlmMessage, ModelSkillSettings
from domain.model_use import record_note
from domain.ports import DesignSkill, LanguageModel, Skill
from plugins.claude.tools import CHOOSE_COLOURS, ROLES, SYSTEM, TOOLBOX
from plugins.hookspecs import hookimpl

ROLE_WEIGHT = {"logo": 0, "moodboard": 1, "photo": 2}


class ClaudeDesignSkill:
    slot = "design"
    name = "claude-design"
    version = "1"

    def __init__(
        self, model: LanguageModel, base: DesignSkill, settings: ModelSkillSettings
    ) -> None:
        self._model = model
        self._base = base
        self._settings = settings

    def design(self, brand: BrandInputs, images: Sequence[ImageSample]) -> DesignSystem:
        first = self._base.design(brand, images)
        palette = _palette(first.tokens)
        open_roles = len(ROLES) - len(brand.colors)
        shown = _shown(images, self._settings)
        if open_roles <= 0 or not palette or not shown:
            return first  # nothing for the model to choose, or nothing for it to look at
        listed = "\n".join(f"- {hex_} ({source})" for hex_, source in palette.items())
        message = LlmMessage(
            "user",
            f"The extracted colours:\n{listed}\n\nThe brand colours, which keep the first "
            f"roles: {', '.join(brand.colors) or 'none'}.\n"
            "Task choose_colours: choose the colours of the open roles.",
            images=tuple(shown),
        )
        result = self._model.structured(SYSTEM, [message], CHOOSE_COLOURS, toolbox=TOOLBOX)
        answer, _ = conform(result.data, CHOOSE_COLOURS.input_schema)
        picks = _picks(answer, palette, brand, record_note)
        if not picks:
            return first
        chosen = BrandInputs(
            colors=(*brand.colors, *picks),
            font=brand.font,
            moodboard=brand.moodboard,
            logo=brand.logo,
        )
        final = self._base.design(chosen, images)
        return DesignSystem(tokens=_relabel(final.tokens, brand, picks, palette, answer["mood"]))


def _palette(tokens: dict[str, Any]) -> dict[str, str]:
    """Hex value -> where it came from, for every extracted colour."""
    found: dict[str, str] = {}
    for token in tokens.get("color", {}).get("palette", {}).values():
        if isinstance(token, dict) and isinstance(token.get("$value"), str):
            source = token.get("$extensions", {}).get("kirbygen", {}).get("source", "")
            found[token["$value"].lower()] = str(source)
    return found


def _shown(images: Sequence[ImageSample], settings: ModelSkillSettings) -> list[LlmImage]:
    from PIL import Image, UnidentifiedImageError

    ordered = sorted(images, key=lambda s: ROLE_WEIGHT.get(s.role, 3))
    shown: list[LlmImage] = []
    for sample in ordered:
        if len(shown) >= settings.max_images:
            break
        try:
            with Image.open(io.BytesIO(sample.data)) as image:
                image.draft("RGB", (settings.image_px, settings.image_px))
                small = image.convert("RGB")
                small.thumbnail((settings.image_px, settings.image_px))
                out = io.BytesIO()
                small.save(out, format="JPEG", quality=80)
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
            continue  # not a raster image the model could look at (SVG, damaged)
        shown.append(LlmImage("image/jpeg", out.getvalue(), f"{sample.role} {sample.name}"))
    return shown


def _picks(
    answer: dict[str, Any],
    palette: dict[str, str],
    brand: BrandInputs,
    note: Callable[[str], None],
) -> list[str]:
    taken = {c.lower() for c in brand.colors}
    picks: list[str] = []
    for role in ROLES[len(brand.colors) :]:
        value = answer.get(role)
        if not value:
            continue
        hex_ = str(value).strip().lower()
        if hex_ not in palette:
            note(f"design: the model's {role} colour {value!r} is not in the images; ignored")
            continue
        if hex_ not in taken:
            taken.add(hex_)
            picks.append(hex_)
    return picks


def _relabel(
    tokens: dict[str, Any],
    brand: BrandInputs,
    picks: Sequence[str],
    palette: dict[str, str],
    mood: str,
) -> dict[str, Any]:
    """Say where the model's choices came from: they are not brand inputs."""
    tokens = copy.deepcopy(tokens)
    color = tokens.get("color", {})
    brand_tokens = color.get("brand", {})
    for key in [k for k in brand_tokens if k.isdigit() and int(k) > len(brand.colors)]:
        del brand_tokens[key]
    for offset, hex_ in enumerate(picks):
        role = ROLES[len(brand.colors) + offset]
        source = f"model choice ({palette[hex_]}); mood: {mood.strip()[:80]}"
        for token in color.get(role, {}).values():
            meta = token.get("$extensions", {}).get("kirbygen", {})
            if meta.get("source") == "brand input":
                meta["source"] = source
    return tokens


@hookimpl
def kirbygen_model_skills(
    model: LanguageModel,
    heuristics: Callable[[str], Skill | None],
    settings: ModelSkillSettings,
) -> list[Skill]:
    base = heuristics("design")
    if base is None:
        return []
    return [ClaudeDesignSkill(model, base, settings)]  # type: ignore[arg-type]
