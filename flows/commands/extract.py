"""``gongkai extract``: Extract the metadata block (索引号, 文号, dates …) from saved pages or text."""

from flows.commands.common import not_built

extract = not_built("extract", 3, "Extract 索引号, 文号, dates … from saved pages or page text.")
