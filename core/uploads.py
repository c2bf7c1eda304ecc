"""Uploads within a stated limit, refused before their content is read.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not cover files. This handler, first of the upload
handlers, refuses a file when the request says it is larger than the limit (its
Content-Length) or, for a body that says otherwise, once more than the limit has arrived. The
rest of the body is then read and discarded in small chunks (so that the browser shows the
message instead of a reset connection, and the worker's memory does not grow), and the view
finds `request.upload_refused` set.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

# Room for the form's other fields and the multipart boundaries around the file.
FORM_OVERHEAD = 64 * 1024


class LimitedUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.too_large = content_length > settings.TAALPAD_UPLOAD_MAX_BYTES + FORM_OVERHEAD
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.too_large:
            self._refuse()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.TAALPAD_UPLOAD_MAX_BYTES:
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers keep the file

    def _refuse(self):
        if self.request is not None:
            self.request.upload_refused = True
        raise StopUpload(connection_reset=False)
