"""Reading and writing spreadsheets: CSV (comma, semicolon or tab; UTF-8 with or without BOM,
or Windows-1252) and XLSX. Knows nothing of pupils or results; imports and exports use it.
"""

import csv
import datetime
import functools
import io
import re
import zipfile
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _

# An XLSX is a zip of XML files: refuse archives that unpack to far more than they weigh.
XLSX_MAX_UNPACKED = 60 * 1024 * 1024
XLSX_MAX_RATIO = 100
XLSX_MAX_ENTRIES = 500
# Text that a spreadsheet would run as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class TableError(ValueError):
    """The file as a whole cannot be read; the message says why, for the person uploading."""


@functools.lru_cache(maxsize=4096)
def normalise_header(text):
    """A header or a name as compared: lower case, without spaces, dashes, dots and underscores.
    Kept per text: a file of 50 000 rows names the same few skills on every row."""
    return re.sub(r"[\s_\-.]+", "", str(text or "").strip().lower())


def read_table(uploaded):
    """(headers, [(line number, [cell, …]), …]) from an uploaded CSV or XLSX file of at most
    TAALPAD_UPLOAD_MAX_BYTES and TAALPAD_UPLOAD_MAX_ROWS rows (counted while parsing)."""
    max_bytes = settings.TAALPAD_UPLOAD_MAX_BYTES
    if uploaded.size > max_bytes:
        raise file_too_large(uploaded.size)
    data = uploaded.read(max_bytes + 1)
    name = (uploaded.name or "").lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        table = _read_xlsx(data)
    elif name.endswith((".csv", ".txt")):
        table = _read_csv(data)
    else:
        raise TableError(_("Upload a .csv or .xlsx file."))
    headers, rows = table
    if not headers or not any(headers):
        raise TableError(_("The file is empty: the first row must name the columns."))
    return headers, rows


def file_too_large(size=None):
    limit = settings.TAALPAD_UPLOAD_MAX_BYTES // 1024 // 1024
    if size is None:
        return TableError(
            _("The file is too large: the limit is %(max)s MB. Split it into smaller files.")
            % {"max": limit}
        )
    return TableError(
        _("The file is %(size)s MB; the limit is %(max)s MB. Split it into smaller files.")
        % {"size": round(size / 1024 / 1024, 1), "max": limit}
    )


def _too_many_rows():
    return TableError(
        _("The file has more than %(max)d rows. Split it into smaller files.")
        % {"max": settings.TAALPAD_UPLOAD_MAX_ROWS}
    )


def _decode(data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the ANSI code page: Windows-1252 here.
        return data.decode("cp1252", errors="replace")


def _read_csv(data):
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers, rows = None, []
    try:
        for number, line in enumerate(reader, start=1):
            if headers is None:
                headers = [cell.strip() for cell in line]
                continue
            if any(cell.strip() for cell in line):
                if len(rows) == settings.TAALPAD_UPLOAD_MAX_ROWS:
                    raise _too_many_rows()
                rows.append((number, [cell.strip() for cell in line]))
    except csv.Error as error:
        raise TableError(_("The CSV file cannot be read: %(error)s") % {"error": error}) from None
    return headers or [], rows


def check_xlsx_is_safe(data):
    """Refuses zip bombs and files that are not workbooks, before any XML is parsed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise TableError(_("This is not a valid XLSX file.")) from None
    entries = archive.infolist()
    if len(entries) > XLSX_MAX_ENTRIES:
        raise TableError(_("This XLSX file has too many parts to be a plain spreadsheet."))
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > XLSX_MAX_UNPACKED:
        raise TableError(_("This XLSX file unpacks to more than the allowed size."))
    for entry in entries:
        if entry.compress_size and entry.file_size / entry.compress_size > XLSX_MAX_RATIO:
            raise TableError(_("This XLSX file is compressed suspiciously well; it was refused."))
    if "xl/workbook.xml" not in archive.namelist():
        raise TableError(_("This is not a valid XLSX file."))


def _read_xlsx(data):
    check_xlsx_is_safe(data)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for a damaged file
        raise TableError(_("This XLSX file cannot be read.")) from None
    try:
        headers, rows = _xlsx_rows(workbook.worksheets[0])
    except TableError:
        raise
    except Exception:  # a part of the sheet that openpyxl cannot read
        raise TableError(_("This XLSX file cannot be read.")) from None
    finally:
        workbook.close()
    return headers, rows


def _xlsx_rows(sheet):
    headers, rows = [], []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = ["" if value is None else value for value in values]
        if number == 1:
            headers = [str(cell).strip() for cell in cells]
            continue
        if any(str(cell).strip() for cell in cells):
            if len(rows) == settings.TAALPAD_UPLOAD_MAX_ROWS:
                raise _too_many_rows()
            rows.append(
                (number, [cell.strip() if isinstance(cell, str) else cell for cell in cells])
            )
    return headers, rows


DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%y", "%d/%m/%y"]


def parse_date(value):
    """A date from an ISO or Dutch (dd-mm-yyyy) text, or a spreadsheet date; ValueError if not."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return _date_from_text(str(value).strip())


@functools.lru_cache(maxsize=4096)
def _date_from_text(text):
    # Cached: an import names a handful of dates thousands of times, and strptime is slow.
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_decimal(value):
    """A number from text with a decimal comma or point, or a spreadsheet number."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = str(value).strip().replace(" ", "")
    if "," in text and "." in text:
        text = text.replace(".", "")  # 1.234,5 as Dutch spreadsheets write it
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError(value) from None


def neutralise(value, *, quote=True):
    """A value as every export writes it (CSV, XLSX, the parts of a ZIP).

    Text a spreadsheet would run as a formula (beginning with =, +, -, @, tab or carriage
    return: OWASP's CSV-injection rule) gets a leading apostrophe in a CSV, so that it stays
    text; an XLSX (`quote=False`) stores it as it is, in a cell typed as text. Numbers and
    dates stay what they are, and a negative number stays a number. Only the file changes:
    what TaalPad stores does not.
    """
    if isinstance(value, Promise):
        value = str(value)
    if quote and isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(headers, rows, *, decimal_comma=False, for_machines=False):
    """UTF-8 with BOM and semicolons, as Excel in the Netherlands opens it without asking;
    with `decimal_comma`, numbers with a fraction are written 30,7 as Dutch and German
    spreadsheets read them. `for_machines`: RFC 4180 as programs read it (commas, no BOM)."""
    buffer = io.StringIO()
    delimiter = "," if for_machines else ";"
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in headers])
    for row in rows:
        writer.writerow([_csv_cell(neutralise(cell), decimal_comma) for cell in row])
    return (("" if for_machines else "\ufeff") + buffer.getvalue()).encode("utf-8")


def _csv_cell(value, decimal_comma):
    if decimal_comma and isinstance(value, float | Decimal) and not isinstance(value, bool):
        return str(value).replace(".", ",")
    return value


def write_xlsx(headers, rows, *, title="TaalPad"):
    """Typed cells (numbers as numbers, dates as dates, text as text), the header row frozen
    and columns as wide as what they hold."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    rows = list(rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        longest = max([len(str(header)), *(len(str(row[index - 1])) for row in rows[:200])])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, longest + 2))
    sheet.append([_xlsx_cell(sheet, value) for value in headers])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_title(title):
    """A worksheet name Excel accepts: at most 31 characters, none of \\ / ? * [ ] :."""
    return re.sub(r"[\\/?*\[\]:]", "-", str(title))[:31] or "TaalPad"


def _xlsx_cell(sheet, value):
    value = neutralise(value, quote=False)
    if isinstance(value, str):
        from openpyxl.cell import WriteOnlyCell

        # Always a string cell: openpyxl would otherwise write "=…" as a formula.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def table_download(headers, rows, *, fmt, filename, title, decimal_comma=False):
    """A table as a file to download: XLSX, or CSV (semicolons and a BOM for Excel, with a
    decimal comma where asked). `filename` without its extension."""
    from django.http import HttpResponse

    if fmt == "xlsx":
        content = write_xlsx(headers, rows, title=title)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content = write_csv(headers, rows, decimal_comma=decimal_comma)
        kind = "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
