#!/usr/bin/env python3
"""The web console in a real browser (headless Chromium through Selenium), against a running
doudi-server whose village has submitted applications (Tests/DoudiCLITests/ConsoleBrowserTests
sets that up and runs this script in two parts).

  --part town      beimu.approver signs in, finds the case in the queue with its assessment,
                   takes it through start, collective review, notice and approval; the notice
                   sheet's print view is captured; another town's URL is refused; a form without
                   its CSRF token changes nothing; a household's address with markup shows as text
  --part district  district.officer files the approval, opens the dashboard (captured) and
                   downloads its CSV and the town's payment roll

Exit status 0 when every check passed; each failed check is printed and the status is 1.
"""
import argparse
import traceback
import http.cookiejar
import os
import struct
import sys
import time
import urllib.request
import zlib

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        failures.append(what)
    return ok


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("DOUDI_CHROMIUM", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1600", "--lang=zh-CN", "--no-first-run", "--disable-extensions"):
        options.add_argument(arg)
    service = Service(executable_path=os.environ.get("DOUDI_CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    return driver


def gone(element):
    """The page `element` was on has been replaced (a stale element; Chromium sometimes says so as
    "Node with given id does not belong to the document" instead of a stale-element error)."""
    def check(_driver):
        try:
            element.is_enabled()
            return False
        except Exception:
            return True
    return check


def wait_for(driver, selector, seconds=30):
    return WebDriverWait(driver, seconds).until(EC.presence_of_element_located((By.CSS_SELECTOR, selector)))


def sign_in(driver, server, path, user, password):
    driver.get(server + path)
    wait_for(driver, "#login-form")
    check("/console/login" in driver.current_url, f"{path} without a session leads to the login page")
    driver.find_element(By.ID, "user").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, "sign-in").click()
    WebDriverWait(driver, 120).until(gone(page))
    WebDriverWait(driver, 60).until(lambda d: "/console/login" not in d.current_url)
    check(driver.current_url.endswith(path), f"{user} signed in and is back at {path} (at {driver.current_url})")


def text(driver):
    return driver.find_element(By.TAG_NAME, "body").text


def take_step(driver, kind, day, fields=None, expect_done=True):
    form = wait_for(driver, f"#step-{kind}")
    driver.execute_script("arguments[0].querySelector('input[name=date]').value = arguments[1]", form, day)
    for name, value in (fields or {}).items():
        element = form.find_element(By.NAME, name)
        if element.tag_name == "select":
            driver.execute_script("arguments[0].value = arguments[1]", element, value)
        else:
            element.clear()
            element.send_keys(value)
    page = driver.find_element(By.TAG_NAME, "html")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 60).until(gone(page))  # the answer's page, not this one
    if expect_done:
        flash = wait_for(driver, "#flash")
        check("done" in flash.get_attribute("class"), f"step {kind} on {day}: {flash.text}")
        return flash.text
    return None


def screenshot(driver, path, what):
    driver.save_screenshot(path)
    check(os.path.getsize(path) > 0 and not blank(path), f"{what} screenshot written and not blank: {path}")


def blank(path):
    """A PNG whose pixel data is (nearly) one colour: fewer than 16 distinct byte values once inflated."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return True
    i, idat = 8, b""
    while i < len(data):
        length, kind = struct.unpack(">I4s", data[i:i + 8])
        if kind == b"IDAT":
            idat += data[i + 8:i + 8 + length]
        i += 12 + length
    raw = zlib.decompress(idat)
    return len(set(raw)) < 16


def session_opener(driver):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    opener.addheaders = [("Cookie", cookie)]
    return opener


def part_town(driver, a):
    town = "/console/towns/511011101"
    sign_in(driver, a.server, town, "beimu.approver", a.town_password)
    row = wait_for(driver, f"tr[data-application='{a.application[:8]}']")
    explanation = row.find_element(By.CSS_SELECTOR, "pre.explain").get_attribute("textContent")
    check("§" in explanation and "农村低保" in explanation, f"the queue explains the assessment citing clauses: {explanation[:120]!r}")
    page = driver.find_element(By.TAG_NAME, "html")
    row.find_element(By.CSS_SELECTOR, "a").click()
    WebDriverWait(driver, 60).until(gone(page))
    wait_for(driver, "#assessment")
    body = text(driver)
    check("511011********" in body, "the case page masks ID numbers")
    take_step(driver, "startTownReview", a.review_day)
    take_step(driver, "recordCollectiveReview", a.review_day, {"chair": "王镇长", "recorder": "李干事", "agree": "7", "disagree": "0"})
    take_step(driver, "postNotice", a.notice_day)
    check(wait_for(driver, "#notice-period") is not None, "the case shows its notice period")

    driver.get(a.server + town)
    sheet_form = wait_for(driver, "#sheet-form")
    sheet_form.find_element(By.NAME, "office").send_keys("椑木镇社会事务办")
    phone = sheet_form.find_element(By.NAME, "phone")
    phone.clear()
    phone.send_keys("0832-5551234")
    page = driver.find_element(By.TAG_NAME, "html")
    sheet_form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 60).until(gone(page))
    wait_for(driver, "table")
    sheet = text(driver)
    check("椑木镇社会事务办" in sheet and "0832-5551234" in sheet, "the notice sheet carries the office and phone the town gave")
    check("社会救助对象公示" in sheet and "511011********" in sheet and "盖章" in sheet and "签字" in sheet,
          "the notice sheet has its title, masked ID numbers, the seal and signature space")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    screenshot(driver, os.path.join(a.out, "notice-sheet-print.png"), "notice sheet (print view)")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    driver.get(a.server + f"/console/cases/{a.application}")
    done = take_step(driver, "approve", a.approval_day)
    check("批准" in done, f"approved within the town's authority: {done}")

    # another town's URL: refused, not shown
    driver.get(a.server + "/console/towns/511011102")
    message = wait_for(driver, "#error-message").text
    check("不在您的辖区内" in message and "无权访问" in text(driver), f"another town's queue is refused: {message}")

    # a form whose CSRF token is not the session's changes nothing
    driver.get(a.server + f"/console/cases/{a.markup_application}")
    form = wait_for(driver, "#step-startTownReview")
    stage_before = driver.find_element(By.TAG_NAME, "h1").text
    driver.execute_script("arguments[0].querySelector('input[name=csrf]').value = 'forged'", form)
    page = driver.find_element(By.TAG_NAME, "html")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 60).until(gone(page))
    message = wait_for(driver, "#error-message").text
    check("表单已失效" in message, f"a forged form is refused: {message}")
    driver.get(a.server + f"/console/cases/{a.markup_application}")
    wait_for(driver, "#step-startTownReview")
    check(driver.find_element(By.TAG_NAME, "h1").text == stage_before, "the refused form changed nothing")

    # a record's text with markup shows as text
    body = text(driver)
    check("<script>window.pwned=1</script>" in body, "an address with markup shows as text")
    check(driver.execute_script("return window.pwned === undefined"), "the markup did not run")

    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, "logout").click()
    WebDriverWait(driver, 60).until(gone(page))
    wait_for(driver, "#login-form")
    driver.get(a.server + town)
    wait_for(driver, "#login-form")
    check("/console/login" in driver.current_url, "after logout the queue asks for a login again")


def part_district(driver, a):
    sign_in(driver, a.server, "/console/district", "district.officer", a.district_password)
    row = wait_for(driver, f"tr[data-application='{a.application[:8]}']")
    check("备案" in row.text, f"the district's queue offers filing: {row.text}")
    page = driver.find_element(By.TAG_NAME, "html")
    row.find_element(By.CSS_SELECTOR, "a").click()
    WebDriverWait(driver, 60).until(gone(page))
    take_step(driver, "file", a.file_day)

    driver.get(a.server + "/console/dashboard?month=2026-12")
    chart = wait_for(driver, "#chart-towns svg")
    check(chart is not None, "the dashboard draws its chart on the server (SVG)")
    towns = driver.find_element(By.ID, "dashboard-towns").text
    check("椑木镇" in towns and "农村低保" in driver.page_source, f"the dashboard has 椑木镇's figures: {towns[:200]!r}")
    screenshot(driver, os.path.join(a.out, "dashboard.png"), "dashboard")

    opener = session_opener(driver)
    csv = opener.open(a.server + "/console/dashboard.csv?month=2026-12").read().decode("utf-8")
    check(csv.startswith("\ufeff") and "椑木镇" in csv and "农村低保" in csv, "the dashboard's CSV downloads (UTF-8 with BOM)")
    driver.get(a.server + "/console/towns/511011101/roll?month=2026-12")
    files = wait_for(driver, "#roll-files")
    links = {e.text: e.get_attribute("href") for e in files.find_elements(By.TAG_NAME, "a")}
    check(any("代发批量文件" in t for t in links) and any("xlsx" in t for t in links),
          f"the roll page offers the CSV, the workbook and each bank's batch: {list(links)}")
    roll = opener.open(a.server + "/console/towns/511011101/roll.csv?month=2026-12").read().decode("utf-8")
    check("发放" in roll and "农村低保" in roll and a.head_name in roll, "the town's payment roll for December downloads with the approved case")
    workbook = opener.open(next(h for t, h in links.items() if "xlsx" in t)).read()
    check(workbook[:2] == b"PK", "the roll's workbook downloads (an xlsx: a zip)")
    batch = opener.open(next(h for t, h in links.items() if "代发批量文件" in t)).read()
    check(len(batch) > 0, f"a bank's batch file downloads ({len(batch)} bytes)")
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, "logout").click()
    WebDriverWait(driver, 60).until(gone(page))
    wait_for(driver, "#login-form")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--server", required=True)
    p.add_argument("--part", choices=["town", "district"], required=True)
    p.add_argument("--application", required=True)
    p.add_argument("--markup-application", default="")
    p.add_argument("--head-name", default="")
    p.add_argument("--out", required=True)
    p.add_argument("--town-password", default="Beimu-SP-change-me-2")
    p.add_argument("--district-password", default="Dongxing-MZJ-change-me-1")
    p.add_argument("--review-day", default="2026-11-06")
    p.add_argument("--notice-day", default="2026-11-09")
    p.add_argument("--approval-day", default="2026-11-16")
    p.add_argument("--file-day", default="2026-11-23")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    start = time.time()
    driver = browser()
    try:
        (part_town if a.part == "town" else part_district)(driver, a)
    except Exception as e:  # a page that never came: say where the browser was
        failures.append(f"{type(e).__name__}: {e}")
        traceback.print_exc(file=sys.stdout)
        print(f"FAIL {type(e).__name__}: {e} (at {driver.current_url})\n{driver.page_source[:3000]}", flush=True)
        driver.save_screenshot(os.path.join(a.out, f"failure-{a.part}.png"))
    finally:
        driver.quit()
    print(f"{a.part}: {len(failures)} failed, {time.time() - start:.1f} s", flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
