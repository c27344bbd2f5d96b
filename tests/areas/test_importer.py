"""The importer: CSV and XLSX, every kind of bad input named by row and column, the column mapping, and nothing
imported until the user confirms (in one transaction)."""

import pytest
from django.core.exceptions import ValidationError

from boligsocial.areas import selectors, services
from boligsocial.areas.models import AreaYear, DepartmentYear, ImportStatus, ReferenceScope, ReferenceYear
from boligsocial.core.models import AuditEntry
from boligsocial.directory.models import Department, Organisation, OrganisationKind

from .conftest import LAST_YEAR, THIS_YEAR, csv_bytes, imported, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADER = ["afdeling", "år", "beboere", "uden_for_arbejde_eller_uddannelse", "udsættelser"]


def good_rows(year=LAST_YEAR):
    return [HEADER, ["1", year, "400", "41,5", "2"], ["2", year, "600", "30,0", "1"], ["3", year, "200", "20", "0"]]


def upload(actor, content, level="department", filename="tal.csv"):
    return services.import_upload(actor=actor, level=level, filename=filename, content=content)


def problems(batch) -> dict[int, list[tuple[str | None, str]]]:
    checked = selectors.import_preview(batch=batch).checked
    return {line: [(e.column, e.message) for e in errors] for line, errors in checked.rejected.items()}


def test_a_clean_csv_is_previewed_and_imported_only_when_confirmed(editor, estate):
    batch = upload(editor, csv_bytes(good_rows()))
    preview = selectors.import_preview(batch=batch)
    assert preview.checked.can_confirm
    assert len(preview.checked.rows) == 3 and preview.checked.figure_count == 9
    assert DepartmentYear.objects.count() == 0 and AreaYear.objects.count() == 0

    services.import_confirm(actor=editor, batch=batch)

    first = DepartmentYear.objects.get(department=estate.departments[0], year=LAST_YEAR)
    assert first.values == {"residents": 400, "outside_work_education": 41.5, "evictions": 2}
    area = AreaYear.objects.get(area=estate.area, year=LAST_YEAR)
    assert area.values == {}
    assert area.derived["residents"] == 1200 and area.derived["evictions"] == 3
    # (400 * 41.5 + 600 * 30 + 200 * 20) / 1200
    assert area.derived["outside_work_education"] == pytest.approx(32.167, abs=0.001)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CONFIRMED and batch.content in (b"", memoryview(b""))
    assert (batch.row_count, batch.figure_count) == (3, 9)
    assert AuditEntry.objects.filter(action="areas.import.confirm", target_id=batch.pk).exists()


def test_an_xlsx_workbook_with_excel_numbers_and_numeric_department_numbers_imports(editor, estate):
    rows = [HEADER, [1, LAST_YEAR, 400, 41.5, 2], [2, LAST_YEAR, 600, 30, 1]]
    batch = upload(editor, xlsx_bytes(rows), filename="tal.xlsx")
    services.import_confirm(actor=editor, batch=batch)
    assert DepartmentYear.objects.get(department=estate.departments[1]).values["outside_work_education"] == 30


def test_a_bad_xlsx_row_is_named_by_its_row_in_the_sheet(editor, estate):
    rows = [HEADER, [1, LAST_YEAR, 400, 41.5, 2], [2, LAST_YEAR, 600, "mange", 1]]
    batch = upload(editor, xlsx_bytes(rows), filename="tal.xlsx")
    assert problems(batch) == {3: [("uden_for_arbejde_eller_uddannelse", "“mange” er ikke et tal.")]}


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(editor):
    with pytest.raises(ValidationError) as error:
        upload(editor, b"PK\x03\x04 not really a workbook", filename="tal.xlsx")
    assert "kunne ikke læses" in error.value.message_dict["file"][0]


def test_missing_columns_are_named_and_nothing_can_be_confirmed(editor, estate):
    batch = upload(editor, csv_bytes([["afdeling", "beboere"], ["1", "400"]]))
    checked = selectors.import_preview(batch=batch).checked
    assert checked.file_errors == ["Kolonnen for “År” mangler (fx med overskriften “år”)."]
    assert not checked.can_confirm
    with pytest.raises(ValidationError):
        services.import_confirm(actor=editor, batch=batch)
    assert DepartmentYear.objects.count() == 0


def test_a_file_without_any_indicator_column_is_refused(editor, estate):
    batch = upload(editor, csv_bytes([["afdeling", "år", "noget andet"], ["1", LAST_YEAR, "x"]]))
    assert selectors.import_preview(batch=batch).checked.file_errors == [
        "Ingen kolonne er knyttet til et nøgletal, så der er intet at importere."
    ]


def test_every_bad_row_is_named_by_row_and_column_with_a_danish_reason(editor, estate):
    rows = [
        HEADER,
        ["1", LAST_YEAR, "abc", "41,5", "2"],  # 2: text in a number field
        ["2", LAST_YEAR, "600", "104,2", "1"],  # 3: a share above 100
        ["99", LAST_YEAR, "600", "30", "1"],  # 4: unknown department
        ["3", THIS_YEAR + 2, "200", "20", "0"],  # 5: a year in the future
        ["3", LAST_YEAR, "200", "20", "0"],  # 6: good
        ["3", LAST_YEAR, "210", "21", "0"],  # 7: the same department and year again
        ["1", "sidste år", "400", "41", "1,5"],  # 8: not a year, and a count that is not whole
        ["2", LAST_YEAR - 1, "-5", "", ""],  # 9: a negative count
    ]
    found = problems(upload(editor, csv_bytes(rows)))
    assert found == {
        2: [("beboere", "“abc” er ikke et tal.")],
        3: [("uden_for_arbejde_eller_uddannelse", "En andel skal være mellem 0 og 100 procent. (104,2)")],
        4: [("afdeling", "Der findes ingen afdeling med nummer 99.")],
        5: [("år", f"Året {THIS_YEAR + 2} ligger i fremtiden.")],
        7: [("afdeling", "En dublet: række 6 har samme afdeling og år.")],
        8: [("år", "“sidste år” er ikke et årstal."), ("udsættelser", "Et antal skal være et helt tal. (1,5)")],
        9: [("beboere", "Et antal kan ikke være negativt. (-5)")],
    }


def test_the_current_year_is_allowed_and_empty_cells_or_dots_mean_no_figure(editor, estate):
    rows = [HEADER, ["1", THIS_YEAR, "400", "..", ""]]
    batch = upload(editor, csv_bytes(rows))
    assert problems(batch) == {}
    services.import_confirm(actor=editor, batch=batch)
    assert DepartmentYear.objects.get().values == {"residents": 400}


def test_a_department_number_in_two_organisations_needs_the_organisation_column(editor, estate):
    other = Organisation.objects.create(name="Andelsboligselskabet", kind=OrganisationKind.HOUSING)
    Department.objects.create(area=estate.area, housing_organisation=other, code="1", name="Den anden 1")
    found = problems(upload(editor, csv_bytes([HEADER, ["1", LAST_YEAR, "400", "41", "1"]])))
    assert found == {
        2: [
            (
                "afdeling",
                "Afdelingsnummer 1 findes i mere end én boligorganisation; tilføj en kolonne med boligorganisationen.",
            )
        ]
    }
    with_org = [["boligorganisation", *HEADER], ["Boligselskabet Test", "1", LAST_YEAR, "400", "41", "1"]]
    batch = upload(editor, csv_bytes(with_org))
    services.import_confirm(actor=editor, batch=batch)
    assert DepartmentYear.objects.get().department == estate.departments[0]


def test_confirming_is_refused_until_the_bad_rows_are_left_out_then_only_good_rows_are_imported(editor, estate):
    rows = [*good_rows(), ["77", LAST_YEAR, "100", "10", "0"]]
    batch = upload(editor, csv_bytes(rows))
    with pytest.raises(ValidationError) as error:
        services.import_confirm(actor=editor, batch=batch)
    assert error.value.messages == ["1 række har fejl. Ret filen, eller udelad rækken."]
    assert DepartmentYear.objects.count() == 0

    services.import_set_dropped(actor=editor, batch=batch, lines=[5])
    assert selectors.import_preview(batch=batch).checked.can_confirm
    services.import_confirm(actor=editor, batch=batch)
    assert DepartmentYear.objects.count() == 3


def test_a_file_with_other_headings_is_mapped_by_the_user(editor, estate):
    rows = [["Enhed", "Periode", "Antal personer", "Ledighed i pct."], ["1", LAST_YEAR, "400", "41,5"]]
    batch = upload(editor, csv_bytes(rows))
    assert batch.mapping == {"Enhed": "", "Periode": "", "Antal personer": "", "Ledighed i pct.": ""}
    assert not selectors.import_preview(batch=batch).checked.can_confirm

    services.import_set_mapping(
        actor=editor,
        batch=batch,
        mapping={
            "Enhed": "department",
            "Periode": "year",
            "Antal personer": "ind:residents",
            "Ledighed i pct.": "ind:outside_work_education",
        },
    )
    services.import_confirm(actor=editor, batch=batch)
    assert DepartmentYear.objects.get().values == {"residents": 400, "outside_work_education": 41.5}


def test_two_columns_cannot_be_mapped_to_the_same_indicator(editor, estate):
    batch = upload(editor, csv_bytes([["a", "b", "c"], ["1", LAST_YEAR, "5"]]))
    with pytest.raises(ValidationError) as error:
        services.import_set_mapping(actor=editor, batch=batch, mapping={"a": "ind:residents", "b": "ind:residents"})
    assert error.value.message_dict["mapping"] == ["Kolonnerne “a” og “b” er knyttet til det samme."]


def test_danish_headings_and_names_are_recognised(editor, estate):
    rows = [["Afdelingsnummer", "År", "Beboere", "Ikke-vestlige"], ["1", LAST_YEAR, "400", "12,5"]]
    batch = upload(editor, csv_bytes(rows))
    assert batch.mapping == {
        "Afdelingsnummer": "department",
        "År": "year",
        "Beboere": "ind:residents",
        "Ikke-vestlige": "ind:non_western",
    }


def test_the_import_is_one_transaction(editor, estate, monkeypatch):
    batch = upload(editor, csv_bytes(good_rows()))

    def fail(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "derive_area_figures", fail)
    with pytest.raises(RuntimeError):
        services.import_confirm(actor=editor, batch=batch)
    assert DepartmentYear.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PENDING


def test_a_new_import_replaces_the_figures_it_gives_and_keeps_the_others(editor, estate):
    imported(editor, "department", csv_bytes(good_rows()))
    imported(editor, "department", csv_bytes([["afdeling", "år", "beboere"], ["1", LAST_YEAR, "410"]]))
    assert DepartmentYear.objects.get(department=estate.departments[0]).values == {
        "residents": 410,
        "outside_work_education": 41.5,
        "evictions": 2,
    }
    assert AreaYear.objects.get(area=estate.area).derived["residents"] == 1210


def test_the_preview_says_how_many_unit_years_already_have_figures(editor, estate):
    imported(editor, "department", csv_bytes(good_rows()))
    batch = upload(editor, csv_bytes([["afdeling", "år", "beboere"], ["1", LAST_YEAR, "410"], ["1", 2010, "9"]]))
    assert selectors.import_preview(batch=batch).existing == 1


def test_area_figures_take_precedence_over_those_derived_from_departments(editor, estate):
    imported(editor, "department", csv_bytes(good_rows()))
    imported(editor, "area", csv_bytes([["boligområde", "år", "beboere"], ["testparken", LAST_YEAR, "1250"]]))
    row = AreaYear.objects.get(area=estate.area)
    assert row.values == {"residents": 1250}
    assert row.effective()[0]["residents"] == 1250
    assert row.effective()[1] == {"outside_work_education", "evictions"}


def test_an_unknown_area_is_named(editor, estate):
    batch = upload(editor, csv_bytes([["område", "år", "beboere"], ["Ukendtparken", LAST_YEAR, "10"]]), level="area")
    assert problems(batch) == {2: [("område", "Der findes intet boligområde med navnet “Ukendtparken”.")]}


def test_municipal_and_national_reference_values(editor, estate):
    imported(editor, "municipality", csv_bytes([["kommune", "år", "indkomst"], ["testby", LAST_YEAR, "95,5"]]))
    imported(editor, "national", csv_bytes([["år", "indkomst"], [LAST_YEAR, "100"]]))
    municipal = ReferenceYear.objects.get(scope=ReferenceScope.MUNICIPALITY)
    assert (municipal.municipality, municipal.values) == ("Testby", {"income": 95.5})
    national = ReferenceYear.objects.get(scope=ReferenceScope.NATIONAL)
    assert (national.municipality, national.values) == ("", {"income": 100})


def test_a_cancelled_import_keeps_nothing(editor, estate):
    batch = upload(editor, csv_bytes(good_rows()))
    services.import_cancel(actor=editor, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CANCELLED and bytes(batch.content) == b""
    with pytest.raises(ValidationError):
        services.import_confirm(actor=editor, batch=batch)
    assert DepartmentYear.objects.count() == 0


def test_a_comma_separated_file_with_decimal_points(editor, estate):
    rows = [["afdeling", "year", "residents", "outside_work_education"], ["1", LAST_YEAR, "400", "41.5"]]
    imported(editor, "department", csv_bytes(rows, delimiter=","))
    assert DepartmentYear.objects.get().values["outside_work_education"] == 41.5


def test_a_decimal_comma_in_a_comma_separated_file_is_caught(editor, estate):
    content = f"afdeling,år,beboere,uden_for_arbejde_eller_uddannelse\n1,{LAST_YEAR},400,41,5\n".encode()
    found = problems(upload(editor, content))
    assert found == {
        2: [(None, "Rækken har flere celler, end der er kolonneoverskrifter (et decimalkomma i en kommafil?).")]
    }
