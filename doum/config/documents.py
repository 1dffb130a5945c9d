from __future__ import annotations

from pydantic import BaseModel, Field


class DocumentSettings(BaseModel):
    """Parsing of uploaded files (owned by doum.documents)."""

    max_file_bytes: int = Field(
        default=104_857_600, ge=1, description="올릴 수 있는 파일 최대 크기"
    )
    parse_timeout_seconds: float = Field(
        default=60.0, gt=0, description="문서 하나를 읽는 시간 제한"
    )
    parse_memory_mb: int = Field(default=1024, ge=64, description="격리 처리기의 메모리 제한")
    isolate: bool = Field(
        default=True, description="신뢰할 수 없는 파일을 별도 프로세스에서 읽을지 여부"
    )
    max_uncompressed_bytes: int = Field(
        default=1_073_741_824, ge=1, description="압축 파일(HWPX·DOCX 등)을 풀었을 때 최대 크기"
    )
    max_compression_ratio: float = Field(
        default=200.0, gt=1, description="압축 파일 항목 하나의 최대 압축률 (압축 폭탄 방지)"
    )
    max_archive_members: int = Field(default=10_000, ge=1, description="압축 파일 안 최대 항목 수")
    max_pages: int = Field(default=5_000, ge=1, description="PDF 에서 읽을 최대 쪽 수")
