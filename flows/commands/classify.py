"""``gongkai classify``: Classify documents: 主题分类, the 26 standard domains, document type, needs 解读."""

from flows.commands.common import not_built

classify = not_built("classify", 5, "Classify documents: 主题分类, 26 domains, type, needs 解读.")
