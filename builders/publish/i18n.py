"""The two faces of the docs site: English (default, at /) and Chinese (at /zh/).

mkdocs-static-i18n (suffix structure) builds ``page.md`` into the English face and
``page.zh.md`` into the Chinese one; a page without a ``.zh.md`` falls back to the English text.
Generated pages are written in both languages; their labels come from :data:`ZH` (English text
→ Simplified Chinese), so an untranslated label shows in English rather than breaking a page.
"""

from __future__ import annotations

LANGS = ("en", "zh")
DEFAULT = "en"

ZH: dict[str, str] = {
    # page titles and headings
    "Statistics": "统计",
    "Documents": "文档",
    "Document": "文档",
    "Data card": "数据卡",
    "Evaluation": "评测",
    "Overview": "概览",
    "Summary": "摘要",
    "Summaries": "摘要",
    "Entities": "实体",
    "Topics": "主题",
    "Keywords": "关键词",
    "Topics and keywords": "主题与关键词",
    "Metadata": "元数据",
    "Quality": "质量",
    "Repairs": "修复",
    "Source": "来源",
    "Raw page": "原始网页",
    "Spun original": "洗稿原文",
    "Text in the other script": "另一种字形的正文",
    "all documents": "全部文档",
    "Rows and characters per config and split": "各配置与划分的行数和字数",
    "Per config, split and script": "按配置、划分与字形",
    "Scripts": "字形",
    "Length distributions": "长度分布",
    "Lines removed and why": "删除的行及原因",
    "Quality flags": "质量标记",
    "Documents per entity": "各实体的文档数",
    # table headers and labels
    "figure": "指标",
    "value": "数值",
    "field": "字段",
    "rule": "规则",
    "documents": "文档数",
    "paragraphs": "段落数",
    "characters": "字数",
    "rows": "行数",
    "config": "配置",
    "split": "划分",
    "script": "字形",
    "topic": "主题",
    "label": "标签",
    "lines": "行数",
    "share": "占比",
    "flag": "标记",
    "kind": "类型",
    "count": "次数",
    "line": "行",
    "before": "修改前",
    "after": "修改后",
    "entity": "实体",
    "type": "类型",
    "names and aliases": "名称与别名",
    "forms found": "文中写法",
    "mentions": "提及次数",
    "title": "标题",
    "published at": "发布时间",
    "publisher": "发布者",
    "id": "编号",
    "language": "语言",
    "method": "方法",
    "version": "版本",
    "provenance": "来源",
    "created": "日期",
    "summary": "摘要",
    "score": "分数",
    "company": "公司",
    "chip": "芯片",
    "person": "人物",
    "model": "模型",
    "min": "最小",
    "median": "中位数",
    "mean": "平均",
    "max": "最大",
    "show the table": "展开表格",
    "read on": "继续阅读",
    "show the raw page": "展开原始网页",
    "show the spun text": "展开洗稿原文",
    "No repairs.": "没有修复。",
    "No entity of the gazetteer.": "未发现词表中的实体。",
    "No topic.": "没有主题。",
    "No scores.": "没有分数。",
    "Dataset on the Hugging Face Hub": "Hugging Face Hub 上的数据集",
    "Source repository": "源代码仓库",
    "Download the JSON": "下载 JSON",
}


def tr(text: str, lang: str) -> str:
    """``text`` in ``lang`` (English when no translation is known)."""
    return ZH.get(text, text) if lang == "zh" else text


def suffix(lang: str) -> str:
    """File suffix of a page in ``lang``: ``""`` for the default language, else ``".zh"``."""
    return "" if lang == DEFAULT else f".{lang}"
