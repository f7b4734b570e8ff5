"""Image "parser": checks an image is safe to use and records its size and format.

The document it makes is not content to map: it has one IMAGE block naming the image (so the
item in the same folder can show it) and the image's metadata as front matter without a
locator (so no field is made of it). The image is checked (allowed format, pixel count read
from the header, structure verified by Pillow) but never fully decoded here.
"""

from __future__ import annotations

import posixpath

from PIL import Image

from domain.documents import (
    Block,
    BlockKind,
    Document,
    IngestLimits,
    Locator,
    RejectedInput,
    RejectionCode,
    SourceFile,
)
from domain.ports import Skill
from plugins.hookspecs import hookimpl
from plugins.offline.image_safety import PILLOW_FORMATS, check_image, open_image
from plugins.offline.naming import humanise, source_stem


class ImageParser:
    slot = "parser.image"
    name = "image"
    media_types = frozenset(PILLOW_FORMATS)

    def accepts(self, source: SourceFile) -> bool:
        return source.media_type in self.media_types

    def parse(self, source: SourceFile, limits: IngestLimits) -> Document:
        media_type, width, height = check_image(source.data, limits)
        image = open_image(source.data, limits)
        try:
            image.verify()  # walks the chunks and checksums without decoding the pixels
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
            raise RejectedInput(RejectionCode.PARSE_ERROR, f"the image is damaged: {exc}") from exc
        finally:
            image.close()
        return image_document(source.name, media_type, self.name, width=width, height=height)


def image_document(name: str, media_type: str, parser: str, **metadata: object) -> Document:
    return Document(
        source=name,
        media_type=media_type,
        title=humanise(source_stem(name)),
        blocks=(Block(BlockKind.IMAGE, "", Locator(), target=posixpath.basename(name)),),
        front_matter={"format": media_type, **metadata},
        parser=parser,
    )


@hookimpl
def kirbygen_skills() -> list[Skill]:
    return [ImageParser()]
