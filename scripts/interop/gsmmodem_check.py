#!/usr/bin/env python3
"""Drive trackersim with python-gsmmodem-new: connect, send an SMS, receive an injected one.

Usage: gsmmodem_check.py LINK CONTROL_SOCKET PHONE_NUMBER TRACKER_NUMBER
Exit status 0 when the phone got our SMS and our callback got the tracker's.
"""
import sys
import threading
import time

from gsmmodem.modem import GsmModem

from control import request


def main(link, control, phone, tracker):
    received = []
    arrived = threading.Event()

    def on_sms(sms):
        received.append((sms.number, sms.text))
        arrived.set()

    modem = GsmModem(link, 115200, smsReceivedCallbackFunc=on_sms)
    modem.smsTextMode = False  # PDU mode, as trackerd uses
    modem.connect()
    try:
        outgoing = "interop: hello from python-gsmmodem"
        # Waiting for the status report also means python-gsmmodem has finished reading and
        # deleting it before the next SMS arrives: it cannot parse a +CMTI that lands inside
        # the +CMGR response it is reading.
        sent = modem.sendSms(phone, outgoing, waitForDeliveryReport=True, deliveryTimeout=30)
        if sent.status != sent.DELIVERED:
            print("FAIL: no 'delivered' status report for the SMS python-gsmmodem sent", file=sys.stderr)
            return 1
        inbox = request(control, {"op": "inbox", "number": phone})
        texts = [message["text"] for message in inbox.get("messages", [])]
        if outgoing not in texts:
            print("FAIL: phone inbox lacks the SMS python-gsmmodem sent", file=sys.stderr)
            return 1
        print("ok: python-gsmmodem sent an SMS the phone received, with a delivered status report")

        incoming = "Door alarm!\nlat:14.496282\nlong:120.993023\ninterop"
        reply = request(control, {"op": "send", "from": tracker, "text": incoming})
        if not reply.get("ok"):
            print("FAIL: control socket refused send: %s" % reply, file=sys.stderr)
            return 1
        if not arrived.wait(30):
            print("FAIL: python-gsmmodem's callback never got the injected SMS", file=sys.stderr)
            return 1
        number, text = received[0]
        if text != incoming or not number.endswith(tracker.lstrip("+")):
            print("FAIL: callback got a different SMS (from %s, %d chars)" % (number, len(text)), file=sys.stderr)
            return 1
        print("ok: python-gsmmodem received the injected SMS through its callback")
        return 0
    finally:
        modem.close()
        time.sleep(0.1)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
